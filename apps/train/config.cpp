#include "apps/train/config.h"

#include <algorithm>

#include "kernels/error.h"

namespace mgst::train {

// ---- config <-> JSON (stored in checkpoint metadata) ------------------------
namespace {
Json ints(const std::vector<int>& v) {
  Json a = Json::array();
  for (int x : v) a.push_back(x);
  return a;
}
std::vector<int> to_ints(const Json& j) {
  std::vector<int> v;
  for (const auto& x : j.as_array()) v.push_back(int(x.as_int()));
  return v;
}
Json mask_json(const data::MaskOptions& m) {
  Json j = Json::object();
  j["attention_labels"] = ints(m.attention_labels);
  j["ignore_labels"] = ints(m.ignore_labels);
  j["ignore_black"] = m.ignore_black;
  return j;
}
data::MaskOptions mask_from(const Json& j) {
  return {to_ints(j.at("attention_labels")), to_ints(j.at("ignore_labels")),
          j.at("ignore_black").as_bool()};
}
}  // namespace

Json TrainConfig::to_json() const {
  Json j = Json::object();
  j["content"] = content, j["masks"] = masks, j["style"] = style, j["style_masks"] = style_masks;
  j["vgg"] = vgg, j["height"] = height, j["width"] = width, j["crop"] = crop;
  j["style_target"] = style_target, j["residual"] = residual, j["warmup_steps"] = warmup_steps;
  j["content_masks"] = mask_json(content_masks);
  j["style_mask_options"] = mask_json(style_mask_options);
  Json l = Json::object();
  l["content_layer"] = loss.content_layer;
  Json sl = Json::array(), sw = Json::array();
  for (const auto& s : loss.style_layers) sl.push_back(s);
  for (double w : loss.style_layer_weights) sw.push_back(w);
  l["style_layers"] = sl, l["style_layer_weights"] = sw, l["lambda_att"] = loss.lambda_att;
  l["w_content"] = loss.w_content, l["w_style"] = loss.w_style, l["w_task"] = loss.w_task;
  l["w_tv"] = loss.w_tv;
  l["style_layer_weights_auto"] = loss.style_layer_weights_auto;
  l["w_task_style"] = loss.w_task_style;
  l["task_style_weight_auto"] = loss.task_style_weight_auto;
  Json tl = Json::array();
  for (const auto& s : loss.task_layers) tl.push_back(s);
  l["task_layers"] = tl;
  j["loss"] = l;
  j["task_net"] = task_net;
  j["task_net_seed"] = task_net_seed;
  j["batch"] = batch, j["steps"] = steps, j["lr"] = lr, j["seed"] = int64_t(seed);
  j["checkpoint_every"] = checkpoint_every, j["device"] = device, j["out"] = out;
  j["precision"] = precision;
  j["cuda_graph"] = cuda_graph;
  j["skip_bad"] = skip_bad;
  j["keep_checkpoints"] = keep_checkpoints, j["log_every"] = log_every;
  j["sample_every"] = sample_every, j["val_content"] = val_content, j["val_masks"] = val_masks;
  return j;
}

TrainConfig TrainConfig::from_json(const Json& j) {
  TrainConfig c;
  c.content = j.at("content").as_string(), c.masks = j.at("masks").as_string();
  c.style = j.at("style").as_string(), c.style_masks = j.at("style_masks").as_string();
  c.vgg = j.at("vgg").as_string();
  c.height = int(j.at("height").as_int()), c.width = int(j.at("width").as_int());
  c.crop = j.at("crop").as_string(), c.style_target = j.at("style_target").as_string();
  c.residual = j.at("residual").as_bool(), c.warmup_steps = int(j.at("warmup_steps").as_int());
  c.content_masks = mask_from(j.at("content_masks"));
  c.style_mask_options = mask_from(j.at("style_mask_options"));
  const Json& l = j.at("loss");
  c.loss.content_layer = l.at("content_layer").as_string();
  c.loss.style_layers.clear(), c.loss.style_layer_weights.clear();
  for (const auto& s : l.at("style_layers").as_array())
    c.loss.style_layers.push_back(s.as_string());
  for (const auto& w : l.at("style_layer_weights").as_array())
    c.loss.style_layer_weights.push_back(w.as_number());
  c.loss.lambda_att = l.at("lambda_att").as_number();
  c.loss.w_content = l.at("w_content").as_number(), c.loss.w_style = l.at("w_style").as_number();
  c.loss.w_task = l.at("w_task").as_number(), c.loss.w_tv = l.at("w_tv").as_number();
  // Keys of the task-network term and the balanced layers (issue 16): older
  // checkpoints lack them and trained without either.
  if (const Json* v = l.find("style_layer_weights_auto"))
    c.loss.style_layer_weights_auto = v->as_bool();
  if (const Json* v = l.find("w_task_style")) c.loss.w_task_style = v->as_number();
  if (const Json* v = l.find("task_style_weight_auto"))
    c.loss.task_style_weight_auto = v->as_bool();
  if (const Json* v = l.find("task_layers"))
    for (const auto& s : v->as_array()) c.loss.task_layers.push_back(s.as_string());
  if (const Json* v = j.find("task_net")) c.task_net = v->as_string();
  if (const Json* v = j.find("task_net_seed")) c.task_net_seed = v->as_int();
  c.batch = int(j.at("batch").as_int()), c.steps = int(j.at("steps").as_int());
  c.lr = j.at("lr").as_number(), c.seed = uint64_t(j.at("seed").as_int());
  c.checkpoint_every = int(j.at("checkpoint_every").as_int());
  c.device = j.at("device").as_string(), c.out = j.at("out").as_string();
  // Keys added after the first checkpoints: older ones lack them.
  if (const Json* sb = j.find("skip_bad")) c.skip_bad = sb->as_bool();
  if (const Json* v = j.find("keep_checkpoints")) c.keep_checkpoints = int(v->as_int());
  if (const Json* v = j.find("log_every")) c.log_every = int(v->as_int());
  if (const Json* v = j.find("sample_every")) c.sample_every = int(v->as_int());
  if (const Json* v = j.find("val_content")) c.val_content = v->as_string();
  if (const Json* v = j.find("val_masks")) c.val_masks = v->as_string();
  // Before precision existed, every CUDA op ran fp32.
  c.precision = j.find("precision") ? j.at("precision").as_string() : "fp32";
  c.cuda_graph = j.find("cuda_graph") ? j.at("cuda_graph").as_bool() : true;
  return c;
}

std::optional<TrainConfig> saved_config(const SafetensorsFile& file, const std::string& path) {
  auto it = file.metadata.find("config");
  if (it == file.metadata.end()) return std::nullopt;
  try {
    return TrainConfig::from_json(Json::parse(it->second, path + " metadata 'config'"));
  } catch (const Error& e) {
    const std::string what = e.what();
    if (what.rfind(path, 0) == 0) throw;
    throw Error(path + ": metadata 'config' is not a valid mgst training config: " + what);
  }
}

TrainConfig demo_train_config(const std::string& data, int height, int width, int steps) {
  TrainConfig c;
  c.content = data + "/real";
  c.masks = data + "/real_masks";
  c.style = data + "/synthetic";
  c.style_masks = data + "/synthetic_masks";
  c.height = height, c.width = width;
  c.steps = steps;
  c.warmup_steps = std::min(20, std::max(1, steps / 5));
  // METHOD's weights (the LossConfig defaults) with balanced style layers:
  // the settings docs/RESULTS.md measured on the built-in eyes.
  c.loss.style_layer_weights.clear();
  c.loss.style_layer_weights_auto = true;
  return c;
}

}  // namespace mgst::train
