#include "apps/export/onnx_export.h"

#include "kernels/error.h"

#ifdef MGST_HAVE_ONNX
#include <onnx/checker.h>
#include <onnx/onnx_pb.h>

#include <cstring>
#include <filesystem>
#include <set>
#include <vector>

#include "core/io/fileio.h"
#include "models/weights.h"
#endif

namespace mgst::exporter {

#ifndef MGST_HAVE_ONNX

bool onnx_available() { return false; }

uint64_t write_onnx(const models::TransformNet&, const std::map<std::string, std::string>&,
                    const std::string& path) {
  MGST_FAIL(path << ": this mgst was built without ONNX support; install libonnx-dev and "
                    "libprotobuf-dev (tools/setup.sh) and configure again");
}

#else

namespace {

// One graph under construction: nodes get fresh value names, the weights
// become initializers, and every parameter must be used exactly once (so an
// architecture change in models/transform_net.cpp that this file does not
// follow fails the export instead of writing a wrong graph).
class GraphBuilder {
 public:
  GraphBuilder(onnx::GraphProto* graph, const models::TransformNet& net) : g_(graph) {
    for (auto& a : models::parameters_to_arrays(net.parameters())) params_[a.name] = std::move(a);
  }

  // A node of type `type` with one output named after `hint`; returns that name.
  std::string op(const std::string& type, const std::vector<std::string>& inputs,
                 const std::string& hint) {
    last_ = g_->add_node();
    last_->set_op_type(type);
    last_->set_name(hint + "_" + std::to_string(++count_));
    for (const auto& in : inputs) last_->add_input(in);
    last_->add_output(last_->name());
    return last_->name();
  }
  // Attributes of the node made last.
  void attr(const std::string& name, int64_t v) {
    add_attr(name, onnx::AttributeProto::INT)->set_i(v);
  }
  void attr(const std::string& name, float v) {
    add_attr(name, onnx::AttributeProto::FLOAT)->set_f(v);
  }
  void attr(const std::string& name, const std::string& v) {
    add_attr(name, onnx::AttributeProto::STRING)->set_s(v);
  }
  void attr(const std::string& name, const std::vector<int64_t>& v) {
    auto* a = add_attr(name, onnx::AttributeProto::INTS);
    for (int64_t x : v) a->add_ints(x);
  }

  // The parameter `name` as an initializer under the same name.
  const NamedArray& param(const std::string& name) {
    auto it = params_.find(name);
    MGST_CHECK(it != params_.end(), "ONNX export: the transform net has no parameter '"
                                        << name << "' (architecture changed?)");
    MGST_CHECK(used_.insert(name).second, "ONNX export: parameter '" << name << "' used twice");
    auto* t = g_->add_initializer();
    t->set_name(name);
    t->set_data_type(onnx::TensorProto::FLOAT);
    for (int64_t d : it->second.shape) t->add_dims(d);
    // raw_data is little-endian float32, which is what the host holds (x86, arm64).
    t->set_raw_data(std::string(reinterpret_cast<const char*>(it->second.data.data()),
                                it->second.data.size() * sizeof(float)));
    return it->second;
  }
  // A constant 1-D initializer.
  std::string ints(const std::string& name, const std::vector<int64_t>& v) {
    auto* t = constant(name, onnx::TensorProto::INT64, int64_t(v.size()));
    for (int64_t x : v) t->add_int64_data(x);
    return name;
  }
  std::string floats(const std::string& name, const std::vector<float>& v) {
    auto* t = constant(name, onnx::TensorProto::FLOAT, int64_t(v.size()));
    for (float x : v) t->add_float_data(x);
    return name;
  }

  void check_all_used() const {
    for (const auto& [name, a] : params_)
      MGST_CHECK(used_.count(name), "ONNX export: parameter '" << name
                                                               << "' is not in the graph "
                                                                  "(architecture changed?)");
  }

 private:
  onnx::AttributeProto* add_attr(const std::string& name,
                                 onnx::AttributeProto::AttributeType type) {
    auto* a = last_->add_attribute();
    a->set_name(name);
    a->set_type(type);
    return a;
  }
  onnx::TensorProto* constant(const std::string& name, onnx::TensorProto::DataType type,
                              int64_t n) {
    auto* t = g_->add_initializer();
    t->set_name(name);
    t->set_data_type(type);
    t->add_dims(n);
    return t;
  }

  onnx::GraphProto* g_;
  onnx::NodeProto* last_ = nullptr;
  int count_ = 0;
  std::map<std::string, NamedArray> params_;
  std::set<std::string> used_;
};

// layers/conv_layer.cpp's ConvLayer: [nearest x2] -> reflection pad k/2 ->
// conv -> [instance norm] -> [ReLU], each the ONNX op with the same definition.
struct LayerDesc {
  std::string conv, norm;  // parameter prefixes; norm "" = none
  int stride = 1;
  bool upsample = false, relu = true;
};

std::string conv_layer(GraphBuilder& g, const std::string& in, const LayerDesc& d) {
  std::string h = in;
  if (d.upsample) {
    // Output (i, j) reads input (floor(i/2), floor(j/2)): our repeat. The
    // empty second input is Resize's optional roi (unused unless tf_crop_and_resize).
    h = g.op("Resize", {h, "", "up2_scales"}, d.conv + "_up");
    g.attr("mode", std::string("nearest"));
    g.attr("coordinate_transformation_mode", std::string("asymmetric"));
    g.attr("nearest_mode", std::string("floor"));
  }
  const NamedArray& w = g.param(d.conv + ".weight");
  g.param(d.conv + ".bias");
  const int64_t p = w.shape.at(2) / 2;
  // Pad's reflect mode excludes the edge pixel, as ReflectionPad2d and ours.
  h = g.op("Pad", {h, g.ints(d.conv + ".pads", {0, 0, p, p, 0, 0, p, p})}, d.conv + "_pad");
  g.attr("mode", std::string("reflect"));
  h = g.op("Conv", {h, d.conv + ".weight", d.conv + ".bias"}, d.conv);
  g.attr("kernel_shape", std::vector<int64_t>{w.shape.at(2), w.shape.at(3)});
  g.attr("strides", std::vector<int64_t>{d.stride, d.stride});
  if (!d.norm.empty()) {
    g.param(d.norm + ".weight");
    g.param(d.norm + ".bias");
    // Biased variance over H x W, eps inside the square root: instance_norm's formula.
    h = g.op("InstanceNormalization", {h, d.norm + ".weight", d.norm + ".bias"}, d.norm);
    g.attr("epsilon", 1e-5f);
  }
  if (d.relu) h = g.op("Relu", {h}, d.conv + "_relu");
  return h;
}

// models/transform_net.cpp's forward on the 4-channel input `in` (H, W
// multiples of 4); returns the net's output before any crop.
std::string transform_net(GraphBuilder& g, const std::string& in, bool residual) {
  g.floats("up2_scales", {1.f, 1.f, 2.f, 2.f});
  std::string h = conv_layer(g, in, {"c1.conv", "c1.norm"});
  h = conv_layer(g, h, {"c2.conv", "c2.norm", 2});
  h = conv_layer(g, h, {"c3.conv", "c3.norm", 2});
  for (int i = 1; i <= 5; ++i) {
    const std::string r = "r" + std::to_string(i);
    const std::string a = conv_layer(g, h, {r + ".conv1", r + ".norm1"});
    const std::string b = conv_layer(g, a, {r + ".conv2", r + ".norm2", 1, false, false});
    h = g.op("Add", {b, h}, r);
  }
  h = conv_layer(g, h, {"u1.conv", "u1.norm", 1, true});
  h = conv_layer(g, h, {"u2.conv", "u2.norm", 1, true});
  h = conv_layer(g, h, {"c4.conv", "", 1, false, false});
  if (!residual) return h;
  // y = x + c4(...): x is the RGB part of the (padded) input.
  const std::string x =
      g.op("Slice",
           {in, g.ints("rgb_start", {0}), g.ints("rgb_end", {3}), g.ints("channel_axis", {1})},
           "rgb");
  return g.op("Add", {x, h}, "residual");
}

void set_nchw(onnx::ValueInfoProto* v, const std::string& name, int channels) {
  v->set_name(name);
  auto* t = v->mutable_type()->mutable_tensor_type();
  t->set_elem_type(onnx::TensorProto::FLOAT);
  auto* s = t->mutable_shape();
  s->add_dim()->set_dim_param("N");
  s->add_dim()->set_dim_value(channels);
  s->add_dim()->set_dim_param("H");
  s->add_dim()->set_dim_param("W");
}

// The whole graph: `mgst purify`'s pad to a multiple of 4 (bottom/right,
// reflection), the net, the crop back to the input's H x W.
void build_graph(onnx::GraphProto* graph, const models::TransformNet& net) {
  graph->set_name("mgst_purifier");
  set_nchw(graph->add_input(), "input", 4);
  set_nchw(graph->add_output(), "purified", 3);
  GraphBuilder g(graph, net);
  // hw = (H, W); pad = (-hw) mod 4 (Mod with fmod=0 takes the divisor's sign,
  // so this is (4 - H % 4) % 4 in [0, 3]).
  const std::string shape = g.op("Shape", {"input"}, "shape");
  const std::string hw =
      g.op("Slice", {shape, g.ints("hw_start", {2}), g.ints("hw_end", {4}), g.ints("hw_axis", {0})},
           "hw");
  const std::string pad = g.op("Mod", {g.op("Neg", {hw}, "neg_hw"), g.ints("four", {4})}, "pad_hw");
  g.attr("fmod", int64_t(0));
  // Pad's pads are all begins then all ends: (0,0,0,0, 0,0,padH,padW).
  const std::string pads = g.op("Concat", {g.ints("pad_begin", {0, 0, 0, 0, 0, 0}), pad}, "pads");
  g.attr("axis", int64_t(0));
  const std::string padded = g.op("Pad", {"input", pads}, "pad_to_4");
  g.attr("mode", std::string("reflect"));
  const std::string y = transform_net(g, padded, net.residual());
  g.op("Slice", {y, g.ints("crop_start", {0, 0}), hw, g.ints("crop_axes", {2, 3})}, "crop");
  graph->mutable_node(graph->node_size() - 1)->set_output(0, "purified");
  g.check_all_used();
}

}  // namespace

bool onnx_available() { return true; }

uint64_t write_onnx(const models::TransformNet& net,
                    const std::map<std::string, std::string>& metadata, const std::string& path) {
  onnx::ModelProto model;
  model.set_ir_version(onnx::IR_VERSION);
  model.set_producer_name("mgst");
  auto it = metadata.find("mgst_version");
  if (it != metadata.end()) model.set_producer_version(it->second);
  model.set_doc_string(
      "mgst purifier (docs/METHOD.md): input (N,4,H,W) = RGB in [0,1] + attention mask in [0,1]; "
      "output 'purified' (N,3,H,W), unclamped: clamp to [0,1] for images.");
  auto* opset = model.add_opset_import();
  opset->set_domain("");
  opset->set_version(kOnnxOpset);
  for (const auto& [k, v] : metadata) {
    auto* p = model.add_metadata_props();
    p->set_key(k);
    p->set_value(v);
  }
  build_graph(model.mutable_graph(), net);
  try {
    onnx::checker::check_model(model);
  } catch (const std::exception& e) {
    MGST_FAIL(path << ": the ONNX checker rejects the graph: " << e.what());
  }
  std::string bytes;
  MGST_CHECK(model.SerializeToString(&bytes), path << ": ONNX serialisation failed");
  write_file_atomic(path, bytes);
  return std::filesystem::file_size(path);
}

#endif

}  // namespace mgst::exporter
