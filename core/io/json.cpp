#include "core/io/json.h"

#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>
#include <set>
#include <system_error>

#include "core/io/fileio.h"
#include "kernels/error.h"

namespace mgst {

const char* Json::type_name() const {
  switch (type_) {
    case Type::Null: return "null";
    case Type::Bool: return "bool";
    case Type::Number: return "number";
    case Type::String: return "string";
    case Type::Array: return "array";
    case Type::Object: return "object";
  }
  return "?";
}

#define MGST_JSON_EXPECT(t, name) \
  MGST_CHECK(type_ == Type::t, "JSON: expected " name ", got " << type_name())

bool Json::as_bool() const {
  MGST_JSON_EXPECT(Bool, "a bool");
  return bool_;
}
double Json::as_number() const {
  MGST_JSON_EXPECT(Number, "a number");
  return num_;
}
int64_t Json::as_int() const {
  MGST_JSON_EXPECT(Number, "an integer");
  if (is_int_) return int_;
  MGST_CHECK(std::isfinite(num_) && num_ == std::floor(num_) && num_ >= -9.2233720368547758e18 &&
                 num_ < 9.2233720368547758e18,
             "JSON: expected an integer, got " << num_);
  return int64_t(num_);
}
const std::string& Json::as_string() const {
  MGST_JSON_EXPECT(String, "a string");
  return str_;
}
const Json::Array& Json::as_array() const {
  MGST_JSON_EXPECT(Array, "an array");
  return arr_;
}
Json::Array& Json::as_array() {
  MGST_JSON_EXPECT(Array, "an array");
  return arr_;
}
const Json::Object& Json::as_object() const {
  MGST_JSON_EXPECT(Object, "an object");
  return obj_;
}
Json::Object& Json::as_object() {
  MGST_JSON_EXPECT(Object, "an object");
  return obj_;
}

std::size_t Json::size() const {
  if (type_ == Type::Array) return arr_.size();
  if (type_ == Type::Object) return obj_.size();
  return 0;
}

const Json* Json::find(std::string_view key) const {
  if (type_ != Type::Object) return nullptr;
  for (const auto& kv : obj_)
    if (kv.first == key) return &kv.second;
  return nullptr;
}
Json* Json::find(std::string_view key) {
  return const_cast<Json*>(static_cast<const Json*>(this)->find(key));
}
const Json& Json::at(std::string_view key) const {
  MGST_JSON_EXPECT(Object, "an object");
  const Json* v = find(key);
  MGST_CHECK(v, "JSON: object has no key \"" << key << "\"");
  return *v;
}
Json& Json::operator[](std::string_view key) {
  if (type_ == Type::Null) type_ = Type::Object;
  MGST_JSON_EXPECT(Object, "an object");
  if (Json* v = find(key)) return *v;
  obj_.emplace_back(std::string(key), Json());
  return obj_.back().second;
}
const Json& Json::at(std::size_t i) const {
  MGST_JSON_EXPECT(Array, "an array");
  MGST_CHECK(i < arr_.size(),
             "JSON: index " << i << " out of range for an array of " << arr_.size());
  return arr_[i];
}
void Json::push_back(Json v) {
  if (type_ == Type::Null) type_ = Type::Array;
  MGST_JSON_EXPECT(Array, "an array");
  arr_.push_back(std::move(v));
}

bool operator==(const Json& a, const Json& b) {
  if (a.type_ != b.type_) return false;
  switch (a.type_) {
    case Json::Type::Null: return true;
    case Json::Type::Bool: return a.bool_ == b.bool_;
    case Json::Type::Number:
      if (a.is_int_ && b.is_int_) return a.int_ == b.int_;
      return a.num_ == b.num_;
    case Json::Type::String: return a.str_ == b.str_;
    case Json::Type::Array: return a.arr_ == b.arr_;
    case Json::Type::Object: return a.obj_ == b.obj_;
  }
  return false;
}

// ---- Writer ---------------------------------------------------------------------

std::string json_quote(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 2);
  out += '"';
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20 || c == 0x7f) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out += ch;  // UTF-8 passes through unchanged
        }
    }
  }
  out += '"';
  return out;
}

namespace {

void newline(std::string& out, int indent, int level) {
  if (indent < 0) return;
  out += '\n';
  out.append(std::size_t(indent) * std::size_t(level), ' ');
}

// Shortest round-trip text (std::to_chars), locale independent.
template <class T>
void append_number(std::string& out, T v) {
  char buf[64];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, r.ptr);
}

}  // namespace

void Json::dump_to(std::string& out, int indent, int level) const {
  switch (type_) {
    case Type::Null: out += "null"; break;
    case Type::Bool: out += bool_ ? "true" : "false"; break;
    case Type::Number:
      if (is_int_) {
        append_number(out, int_);
      } else if (!std::isfinite(num_)) {
        out += "null";
      } else if (is_f32_) {
        append_number(out, float(num_));
      } else {
        append_number(out, num_);
      }
      break;
    case Type::String: out += json_quote(str_); break;
    case Type::Array:
      if (arr_.empty()) {
        out += "[]";
        break;
      }
      out += '[';
      for (std::size_t i = 0; i < arr_.size(); ++i) {
        if (i) out += ',';
        newline(out, indent, level + 1);
        arr_[i].dump_to(out, indent, level + 1);
      }
      newline(out, indent, level);
      out += ']';
      break;
    case Type::Object:
      if (obj_.empty()) {
        out += "{}";
        break;
      }
      out += '{';
      for (std::size_t i = 0; i < obj_.size(); ++i) {
        if (i) out += ',';
        newline(out, indent, level + 1);
        out += json_quote(obj_[i].first);
        out += indent < 0 ? ":" : ": ";
        obj_[i].second.dump_to(out, indent, level + 1);
      }
      newline(out, indent, level);
      out += '}';
      break;
  }
}

std::string Json::dump(int indent) const {
  std::string out;
  dump_to(out, indent, 0);
  return out;
}

// ---- Parser ---------------------------------------------------------------------

namespace {

class Parser {
 public:
  Parser(std::string_view text, const std::string& source, int max_depth)
      : s_(text), source_(source), max_depth_(max_depth) {}

  Json document() {
    skip_ws();
    Json v = value(0);
    skip_ws();
    if (pos_ != s_.size()) fail("unexpected text after the JSON value");
    return v;
  }

 private:
  [[noreturn]] void fail(const std::string& what) const { fail_at(pos_, what); }
  [[noreturn]] void fail_at(std::size_t at, const std::string& what) const {
    std::size_t line = 1, col = 1;
    for (std::size_t i = 0; i < at && i < s_.size(); ++i) {
      if (s_[i] == '\n') {
        ++line;
        col = 1;
      } else {
        ++col;
      }
    }
    std::string near;
    if (at < s_.size()) {
      near = std::string(s_.substr(at, 20));
      for (auto& c : near)
        if (static_cast<unsigned char>(c) < 0x20) c = ' ';
      near = " near '" + near + "'";
    } else {
      near = " at end of input";
    }
    MGST_FAIL(source_ << ": JSON parse error at byte " << at << " (line " << line << ", column "
                      << col << "): " << what << near);
  }

  bool at_end() const { return pos_ >= s_.size(); }
  char peek() const { return at_end() ? '\0' : s_[pos_]; }

  void skip_ws() {
    while (!at_end()) {
      const char c = s_[pos_];
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r')
        ++pos_;
      else
        break;
    }
  }

  bool consume_word(std::string_view w) {
    if (s_.substr(pos_, w.size()) == w) {
      pos_ += w.size();
      return true;
    }
    return false;
  }

  Json value(int depth) {
    if (at_end()) fail("expected a value");
    const char c = s_[pos_];
    switch (c) {
      case '{': return object(depth + 1);
      case '[': return array(depth + 1);
      case '"': return Json(string());
      case 't':
        if (consume_word("true")) return Json(true);
        break;
      case 'f':
        if (consume_word("false")) return Json(false);
        break;
      case 'n':
        if (consume_word("null")) return Json();
        break;
      case 'N':
        if (consume_word("NaN")) return Json(std::numeric_limits<double>::quiet_NaN());
        break;
      case 'I':
        if (consume_word("Infinity")) return Json(std::numeric_limits<double>::infinity());
        break;
      default:
        if (c == '-' || (c >= '0' && c <= '9')) return number();
    }
    fail("expected a value (object, array, string, number, true, false or null)");
  }

  void enter(int depth) {
    if (depth > max_depth_) fail("nesting deeper than " + std::to_string(max_depth_) + " levels");
  }

  Json object(int depth) {
    enter(depth);
    ++pos_;  // '{'
    Json out = Json::object();
    auto& obj = out.as_object();
    std::set<std::string> seen;
    skip_ws();
    if (peek() == '}') {
      ++pos_;
      return out;
    }
    for (;;) {
      skip_ws();
      if (peek() != '"') fail("expected a string key in object");
      const std::size_t key_pos = pos_;
      std::string key = string();
      if (!seen.insert(key).second) fail_at(key_pos, "duplicate key \"" + key + "\"");
      skip_ws();
      if (peek() != ':') fail("expected ':' after object key");
      ++pos_;
      skip_ws();
      Json v = value(depth);
      obj.emplace_back(std::move(key), std::move(v));
      skip_ws();
      const char c = peek();
      if (c == ',') {
        ++pos_;
        continue;
      }
      if (c == '}') {
        ++pos_;
        return out;
      }
      fail("expected ',' or '}' in object");
    }
  }

  Json array(int depth) {
    enter(depth);
    ++pos_;  // '['
    Json out = Json::array();
    auto& arr = out.as_array();
    skip_ws();
    if (peek() == ']') {
      ++pos_;
      return out;
    }
    for (;;) {
      skip_ws();
      arr.push_back(value(depth));
      skip_ws();
      const char c = peek();
      if (c == ',') {
        ++pos_;
        continue;
      }
      if (c == ']') {
        ++pos_;
        return out;
      }
      fail("expected ',' or ']' in array");
    }
  }

  static void append_utf8(std::string& out, uint32_t cp) {
    if (cp < 0x80) {
      out += char(cp);
    } else if (cp < 0x800) {
      out += char(0xC0 | (cp >> 6));
      out += char(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      out += char(0xE0 | (cp >> 12));
      out += char(0x80 | ((cp >> 6) & 0x3F));
      out += char(0x80 | (cp & 0x3F));
    } else {
      out += char(0xF0 | (cp >> 18));
      out += char(0x80 | ((cp >> 12) & 0x3F));
      out += char(0x80 | ((cp >> 6) & 0x3F));
      out += char(0x80 | (cp & 0x3F));
    }
  }

  uint32_t hex4() {
    if (pos_ + 4 > s_.size()) fail("truncated \\u escape");
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i) {
      const char c = s_[pos_ + i];
      v <<= 4;
      if (c >= '0' && c <= '9')
        v |= uint32_t(c - '0');
      else if (c >= 'a' && c <= 'f')
        v |= uint32_t(c - 'a' + 10);
      else if (c >= 'A' && c <= 'F')
        v |= uint32_t(c - 'A' + 10);
      else
        fail("invalid hex digit in \\u escape");
    }
    pos_ += 4;
    return v;
  }

  std::string string() {
    const std::size_t start = pos_;
    ++pos_;  // opening quote
    std::string out;
    for (;;) {
      if (at_end()) fail_at(start, "unterminated string");
      const char c = s_[pos_];
      if (c == '"') {
        ++pos_;
        return out;
      }
      if (static_cast<unsigned char>(c) < 0x20) fail("unescaped control character in string");
      if (c != '\\') {
        out += c;
        ++pos_;
        continue;
      }
      ++pos_;
      if (at_end()) fail_at(start, "unterminated string");
      const char e = s_[pos_];
      const std::size_t esc_pos = pos_ - 1;
      ++pos_;
      switch (e) {
        case '"': out += '"'; break;
        case '\\': out += '\\'; break;
        case '/': out += '/'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
        case 'u': {
          uint32_t cp = hex4();
          if (cp >= 0xD800 && cp <= 0xDBFF) {
            if (s_.substr(pos_, 2) != "\\u")
              fail_at(esc_pos, "high surrogate without a low surrogate");
            pos_ += 2;
            const uint32_t lo = hex4();
            if (lo < 0xDC00 || lo > 0xDFFF)
              fail_at(esc_pos, "high surrogate without a low surrogate");
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
          } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
            fail_at(esc_pos, "lone low surrogate in \\u escape");
          }
          append_utf8(out, cp);
          break;
        }
        default: fail_at(esc_pos, std::string("invalid escape '\\") + e + "' in string");
      }
    }
  }

  Json number() {
    const std::size_t start = pos_;
    auto digit = [&] { return !at_end() && s_[pos_] >= '0' && s_[pos_] <= '9'; };
    if (peek() == '-') {
      ++pos_;
      if (consume_word("Infinity")) return Json(-std::numeric_limits<double>::infinity());
    }
    if (!digit()) fail("expected a digit");
    if (s_[pos_] == '0') {
      ++pos_;
      if (digit()) fail_at(start, "leading zeros are not allowed in numbers");
    } else {
      while (digit()) ++pos_;
    }
    bool integral = true;
    if (peek() == '.') {
      integral = false;
      ++pos_;
      if (!digit()) fail("expected a digit after the decimal point");
      while (digit()) ++pos_;
    }
    if (peek() == 'e' || peek() == 'E') {
      integral = false;
      ++pos_;
      if (peek() == '+' || peek() == '-') ++pos_;
      if (!digit()) fail("expected a digit in the exponent");
      while (digit()) ++pos_;
    }
    const char* b = s_.data() + start;
    const char* e = s_.data() + pos_;
    if (integral) {
      int64_t i = 0;
      const auto r = std::from_chars(b, e, i);
      if (r.ec == std::errc() && r.ptr == e) return Json(i);
    }
    double d = 0;
    const auto r = std::from_chars(b, e, d);
    // Out-of-range magnitudes: from_chars reports result_out_of_range; follow
    // strtod (overflow -> +-inf, underflow -> 0) rather than failing.
    if (r.ec == std::errc::result_out_of_range) {
      // Decide by the exponent sign: a negative exponent underflows.
      bool tiny = false;
      for (const char* p = b; p < e; ++p)
        if ((*p == 'e' || *p == 'E') && p + 1 < e && p[1] == '-') tiny = true;
      const double mag = tiny ? 0.0 : std::numeric_limits<double>::infinity();
      return Json(*b == '-' ? -mag : mag);
    }
    if (r.ec != std::errc() || r.ptr != e) fail_at(start, "invalid number");
    return Json(d);
  }

  std::string_view s_;
  const std::string& source_;
  int max_depth_;
  std::size_t pos_ = 0;
};

}  // namespace

Json Json::parse(std::string_view text, const std::string& source, int max_depth) {
  return Parser(text, source, max_depth).document();
}

Json parse_json_file(const std::string& path, int max_depth) {
  return Json::parse(read_file(path), path, max_depth);
}

}  // namespace mgst
