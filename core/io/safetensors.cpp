#include "core/io/safetensors.h"

#include <algorithm>
#include <bit>
#include <cstring>
#include <set>

#include "core/io/fileio.h"
#include "core/io/json.h"
#include "kernels/error.h"

static_assert(std::endian::native == std::endian::little,
              "safetensors I/O assumes a little-endian host");

namespace mgst {

const NamedArray* SafetensorsFile::find(const std::string& name) const {
  for (const auto& t : tensors)
    if (t.name == name) return &t;
  return nullptr;
}

namespace {

struct DType {
  const char* name;
  int bytes;
};
constexpr DType kF32{"F32", 4}, kF16{"F16", 2}, kBF16{"BF16", 2}, kF64{"F64", 8};

// Sizes of the dtypes we do not convert, so the error can say what it is.
bool known_other_dtype(const std::string& d) {
  static const std::set<std::string> other{"BOOL", "U8",  "I8",  "I16",     "U16",    "I32",
                                           "U32",  "I64", "U64", "F8_E4M3", "F8_E5M2"};
  return other.count(d) > 0;
}

float half_to_float(uint16_t h) {
  const uint32_t sign = uint32_t(h & 0x8000) << 16;
  const uint32_t exp = (h >> 10) & 0x1F;
  uint32_t mant = h & 0x3FF;
  uint32_t bits;
  if (exp == 0) {
    if (mant == 0) {
      bits = sign;
    } else {  // subnormal: normalise
      int e = -1;
      do {
        ++e;
        mant <<= 1;
      } while ((mant & 0x400) == 0);
      bits = sign | uint32_t(127 - 15 - e) << 23 | (mant & 0x3FF) << 13;
    }
  } else if (exp == 31) {
    bits = sign | 0x7F800000u | mant << 13;
  } else {
    bits = sign | (exp + 127 - 15) << 23 | mant << 13;
  }
  return std::bit_cast<float>(bits);
}

// Element count of `shape`; throws on negative dims or overflow.
uint64_t element_count(const std::vector<int64_t>& shape, const std::string& where) {
  uint64_t n = 1;
  for (const int64_t d : shape) {
    MGST_CHECK(d >= 0, where << ": negative dimension " << d << " in shape");
    MGST_CHECK(!__builtin_mul_overflow(n, uint64_t(d), &n),
               where << ": element count overflows 64 bits");
  }
  return n;
}

std::string shape_str(const std::vector<int64_t>& shape) {
  std::string s = "[";
  for (std::size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + "]";
}

// The element type of a tensor entry; unsupported and unknown dtypes throw.
DType parse_dtype(const std::string& dt, const std::string& where) {
  DType type{};
  if (dt == "F32")
    type = kF32;
  else if (dt == "F16")
    type = kF16;
  else if (dt == "BF16")
    type = kBF16;
  else if (dt == "F64")
    type = kF64;
  else if (known_other_dtype(dt))
    MGST_FAIL(where << ": dtype " << dt << " is not supported (mgst reads F32, F16, BF16, F64)");
  else
    MGST_FAIL(where << ": unknown dtype \"" << dt << "\"");
  return type;
}

// `count` elements of type `dt` at `src` (nbytes in all), as floats.
void decode_data(const char* src, DType type, const std::string& dt, uint64_t count,
                 uint64_t nbytes, std::vector<float>& data) {
  data.resize(count);
  if (type.bytes == 4) {
    if (count) std::memcpy(data.data(), src, nbytes);
  } else if (dt == "F64") {
    for (uint64_t i = 0; i < count; ++i) {
      double v;
      std::memcpy(&v, src + 8 * i, 8);
      data[i] = float(v);
    }
  } else {
    for (uint64_t i = 0; i < count; ++i) {
      uint16_t h;
      std::memcpy(&h, src + 2 * i, 2);
      data[i] = dt == "BF16" ? std::bit_cast<float>(uint32_t(h) << 16) : half_to_float(h);
    }
  }
}

struct Range {
  uint64_t begin, end;
  std::size_t index;
};

// One tensor entry of the header, its bytes decoded from `buffer`; `range`
// receives its data_offsets.
NamedArray parse_tensor(const std::string& name, const Json& info, const std::string& ctx,
                        std::string_view buffer, Range& range) {
  // The writer refuses empty names too, so whatever is read can be written back
  // (fuzz/safetensors_fuzzer.cpp round-trips every file it parses).
  MGST_CHECK(!name.empty(), ctx << ": a tensor has an empty name");
  const std::string where = ctx + ": tensor '" + name + "'";
  MGST_CHECK(info.is_object(),
             where << ": entry is a " << info.type_name() << ", expected an object");
  const Json* dtype = info.find("dtype");
  const Json* shape = info.find("shape");
  const Json* offsets = info.find("data_offsets");
  MGST_CHECK(dtype, where << ": missing \"dtype\"");
  MGST_CHECK(shape, where << ": missing \"shape\"");
  MGST_CHECK(offsets, where << ": missing \"data_offsets\"");
  MGST_CHECK(dtype->is_string(),
             where << ": \"dtype\" is a " << dtype->type_name() << ", expected a string");
  const std::string& dt = dtype->as_string();
  const DType type = parse_dtype(dt, where);

  MGST_CHECK(shape->is_array(),
             where << ": \"shape\" is a " << shape->type_name() << ", expected an array");
  NamedArray t;
  t.name = name;
  for (const Json& d : shape->as_array()) {
    MGST_CHECK(d.is_integer(), where << ": \"shape\" holds a non-integer " << d.dump());
    t.shape.push_back(d.as_int());
  }
  const uint64_t count = element_count(t.shape, where);
  uint64_t nbytes = 0;
  MGST_CHECK(!__builtin_mul_overflow(count, uint64_t(type.bytes), &nbytes),
             where << ": byte size overflows 64 bits");

  MGST_CHECK(offsets->is_array() && offsets->size() == 2,
             where << ": \"data_offsets\" must be an array [begin, end], got " << offsets->dump());
  const Json& jb = offsets->at(std::size_t(0));
  const Json& je = offsets->at(std::size_t(1));
  MGST_CHECK(jb.is_integer() && je.is_integer() && jb.as_int() >= 0 && je.as_int() >= 0,
             where << ": \"data_offsets\" must be non-negative integers, got " << offsets->dump());
  const uint64_t begin = uint64_t(jb.as_int()), end = uint64_t(je.as_int());
  MGST_CHECK(begin <= end,
             where << ": data_offsets [" << begin << ", " << end << "] end before they begin");
  MGST_CHECK(end <= buffer.size(), where << ": data_offsets [" << begin << ", " << end
                                         << "] run past the " << buffer.size()
                                         << "-byte data buffer (truncated file?)");
  MGST_CHECK(end - begin == nbytes, where << ": data_offsets [" << begin << ", " << end << "] hold "
                                          << end - begin << " bytes but shape "
                                          << shape_str(t.shape) << " of " << dt << " needs "
                                          << nbytes);

  decode_data(buffer.data() + begin, type, dt, count, nbytes, t.data);
  range.begin = begin, range.end = end;
  return t;
}

// No two tensors may share bytes (empty tensors own no bytes).
void check_no_overlap(std::vector<Range> ranges, const SafetensorsFile& out,
                      const std::string& ctx) {
  std::sort(ranges.begin(), ranges.end(), [](const Range& a, const Range& b) {
    return a.begin != b.begin ? a.begin < b.begin : a.end < b.end;
  });
  const Range* prev = nullptr;
  for (const Range& r : ranges) {
    if (r.begin == r.end) continue;
    if (prev)
      MGST_CHECK(r.begin >= prev->end, ctx << ": tensors '" << out.tensors[prev->index].name
                                           << "' [" << prev->begin << ", " << prev->end << ") and '"
                                           << out.tensors[r.index].name << "' [" << r.begin << ", "
                                           << r.end << ") overlap");
    prev = &r;
  }
}

}  // namespace

SafetensorsFile parse_safetensors(std::string_view bytes, const std::string& source) {
  const std::string ctx = source + ": safetensors";
  MGST_CHECK(bytes.size() >= 8, ctx << ": file is " << bytes.size()
                                    << " bytes, shorter than the 8-byte header length");
  uint64_t n = 0;
  std::memcpy(&n, bytes.data(), 8);
  MGST_CHECK(n <= kSafetensorsMaxHeaderBytes, ctx << ": header length " << n << " exceeds the "
                                                  << kSafetensorsMaxHeaderBytes
                                                  << "-byte limit (not a safetensors file?)");
  MGST_CHECK(n <= bytes.size() - 8,
             ctx << ": header length " << n << " is larger than the " << bytes.size() - 8
                 << " bytes after it (truncated file, or not a safetensors file?)");
  MGST_CHECK(n >= 2, ctx << ": header length " << n << " is too short for a JSON object");
  const std::string_view header = bytes.substr(8, n);
  const std::string_view buffer = bytes.substr(8 + n);

  const Json root = Json::parse(header, ctx + " header", 64);
  MGST_CHECK(root.is_object(),
             ctx << ": header is a JSON " << root.type_name() << ", expected an object");

  SafetensorsFile out;
  std::vector<Range> ranges;
  for (const auto& [name, info] : root.as_object()) {
    if (name == "__metadata__") {
      MGST_CHECK(info.is_object(), ctx << ": __metadata__ is a " << info.type_name()
                                       << ", expected an object of strings");
      for (const auto& [k, v] : info.as_object()) {
        MGST_CHECK(v.is_string(), ctx << ": __metadata__ value for \"" << k << "\" is a "
                                      << v.type_name() << ", expected a string");
        out.metadata[k] = v.as_string();
      }
      continue;
    }
    Range r{0, 0, out.tensors.size()};
    out.tensors.push_back(parse_tensor(name, info, ctx, buffer, r));
    ranges.push_back(r);
  }

  check_no_overlap(std::move(ranges), out, ctx);
  return out;
}

SafetensorsFile read_safetensors(const std::string& path) {
  return parse_safetensors(read_file(path), path);
}

std::string serialize_safetensors(const std::vector<NamedArray>& tensors,
                                  const std::map<std::string, std::string>& metadata,
                                  const std::string& source) {
  const std::string ctx = source + ": safetensors";
  Json header = Json::object();
  if (!metadata.empty()) {
    Json meta = Json::object();
    for (const auto& [k, v] : metadata) meta[k] = Json(v);
    header["__metadata__"] = std::move(meta);
  }
  std::set<std::string> names;
  uint64_t offset = 0;
  for (const auto& t : tensors) {
    const std::string where = ctx + ": tensor '" + t.name + "'";
    MGST_CHECK(!t.name.empty(), ctx << ": a tensor has an empty name");
    MGST_CHECK(t.name != "__metadata__", where << ": the name is reserved for metadata");
    MGST_CHECK(names.insert(t.name).second, where << ": duplicate tensor name");
    const uint64_t count = element_count(t.shape, where);
    MGST_CHECK(count == t.data.size(), where << ": shape " << shape_str(t.shape) << " has " << count
                                             << " elements but the data has " << t.data.size());
    Json shape = Json::array();
    for (const int64_t d : t.shape) shape.push_back(Json(d));
    Json info = Json::object();
    info["dtype"] = Json("F32");
    info["shape"] = std::move(shape);
    info["data_offsets"] = Json(Json::Array{Json(offset), Json(offset + 4 * count)});
    header[t.name] = std::move(info);
    offset += 4 * count;
  }
  std::string h = header.dump();
  h.append((8 - h.size() % 8) % 8, ' ');
  std::string out;
  out.reserve(8 + h.size() + offset);
  const uint64_t n = h.size();
  out.append(reinterpret_cast<const char*>(&n), 8);
  out += h;
  for (const auto& t : tensors)
    out.append(reinterpret_cast<const char*>(t.data.data()), 4 * t.data.size());
  return out;
}

void write_safetensors(const std::string& path, const std::vector<NamedArray>& tensors,
                       const std::map<std::string, std::string>& metadata) {
  write_file_atomic(path, serialize_safetensors(tensors, metadata, path));
}

}  // namespace mgst
