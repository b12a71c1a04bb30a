// A small JSON value, parser and writer: safetensors headers, UnityEyes
// annotation files, `--json` outputs and JSONL logs.
//
// Parsing is strict RFC 8259 (plus NaN / Infinity / -Infinity, which Python's
// json module writes) with a nesting-depth limit; every error names the source
// (usually the file) and the byte offset, line and column. Objects keep their
// insertion order, and duplicate keys are a parse error. Numbers are doubles;
// integers that fit int64 are kept exactly. Writing prints the shortest text
// that reads back to the same value (float-typed values as float, i.e. at most
// 9 significant digits; doubles at most 17); NaN and infinities are written as
// null, since JSON has no literal for them.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace mgst {

class Json {
 public:
  enum class Type { Null, Bool, Number, String, Array, Object };
  using Array = std::vector<Json>;
  using Object = std::vector<std::pair<std::string, Json>>;  // insertion order

  Json() = default;  // null
  Json(std::nullptr_t) {}
  Json(bool b) : type_(Type::Bool), bool_(b) {}
  template <class T, std::enable_if_t<std::is_integral_v<T> && !std::is_same_v<T, bool>, int> = 0>
  Json(T v) : type_(Type::Number), num_(double(v)) {
    if constexpr (std::is_unsigned_v<T> && sizeof(T) >= sizeof(int64_t)) {
      is_int_ = v <= uint64_t(INT64_MAX);
    } else {
      is_int_ = true;
    }
    int_ = is_int_ ? int64_t(v) : 0;
  }
  Json(float v) : type_(Type::Number), is_f32_(true), num_(double(v)) {}
  Json(double v) : type_(Type::Number), num_(v) {}
  Json(const char* s) : type_(Type::String), str_(s) {}
  Json(std::string s) : type_(Type::String), str_(std::move(s)) {}
  Json(std::string_view s) : type_(Type::String), str_(s) {}
  Json(Array a) : type_(Type::Array), arr_(std::move(a)) {}
  Json(Object o) : type_(Type::Object), obj_(std::move(o)) {}
  static Json array() { return Json(Array{}); }
  static Json object() { return Json(Object{}); }

  Type type() const { return type_; }
  const char* type_name() const;  // "null", "bool", "number", ...
  bool is_null() const { return type_ == Type::Null; }
  bool is_bool() const { return type_ == Type::Bool; }
  bool is_number() const { return type_ == Type::Number; }
  bool is_integer() const { return type_ == Type::Number && is_int_; }  // exact int64
  bool is_string() const { return type_ == Type::String; }
  bool is_array() const { return type_ == Type::Array; }
  bool is_object() const { return type_ == Type::Object; }

  // Typed access; throws mgst::Error ("JSON: expected a string, got number")
  // on the wrong type. as_int also throws for non-integral or out-of-range
  // numbers.
  bool as_bool() const;
  double as_number() const;
  int64_t as_int() const;
  const std::string& as_string() const;
  const Array& as_array() const;
  Array& as_array();
  const Object& as_object() const;
  Object& as_object();

  // Arrays and objects: element count. Anything else: 0.
  std::size_t size() const;

  // Object access. find returns nullptr when the key is absent (or this is
  // not an object); at throws naming the key; operator[] inserts a null value
  // (turning a null into an object first) and throws on other types.
  const Json* find(std::string_view key) const;
  Json* find(std::string_view key);
  bool contains(std::string_view key) const { return find(key) != nullptr; }
  const Json& at(std::string_view key) const;
  Json& operator[](std::string_view key);
  const Json& operator[](std::string_view key) const { return at(key); }

  // Array access (at throws when out of range); push_back turns a null into
  // an array first.
  const Json& at(std::size_t i) const;
  template <class T, std::enable_if_t<std::is_integral_v<T>, int> = 0>
  const Json& operator[](T i) const {
    return at(std::size_t(i));  // a negative index wraps and fails the range check
  }
  void push_back(Json v);

  // indent < 0: compact, one line ("{"a":1,"b":[1,2]}"); indent >= 0: pretty,
  // that many spaces per level.
  std::string dump(int indent = -1) const;

  // Parses one JSON document (surrounding whitespace allowed, nothing else).
  // `source` names the text in errors, e.g. the file path.
  static Json parse(std::string_view text, const std::string& source = "JSON text",
                    int max_depth = 256);

  // Deep equality; numbers compare by value (1 == 1.0).
  friend bool operator==(const Json& a, const Json& b);

 private:
  void dump_to(std::string& out, int indent, int level) const;

  Type type_ = Type::Null;
  bool bool_ = false;
  bool is_int_ = false;  // number holds an exact int64 in int_
  bool is_f32_ = false;  // number came from a float: print as float
  double num_ = 0;
  int64_t int_ = 0;
  std::string str_;
  Array arr_;
  Object obj_;
};

// Reads and parses a file; errors name the path.
Json parse_json_file(const std::string& path, int max_depth = 256);

// `s` as a JSON string literal with quotes and escapes ("a\"b\n").
std::string json_quote(std::string_view s);

}  // namespace mgst
