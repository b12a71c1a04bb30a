// File formats: JSON, safetensors, atomic file I/O, images (stb), resizing
// and cropping, PNG writing, the loss plot.
#include <stb_image_write.h>  // implementation in libstb

#include <bit>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <limits>
#include <string>
#include <vector>

#include "apps/data/dataset.h"
#include "apps/data/image_io.h"
#include "apps/train/plot.h"
#include "core/io/fileio.h"
#include "core/io/json.h"
#include "core/io/safetensors.h"
#include "kernels/error.h"
#include "test_util.h"

namespace fs = std::filesystem;
using mgst::Json;
using mgst::NamedArray;
namespace data = mgst::data;
namespace train = mgst::train;

namespace {

// A fresh directory in the test process's scratch folder, removed at scope exit.
struct TempDir {
  fs::path path;
  TempDir() {
    static int counter = 0;
    path = mgst::test::fresh_temp_dir("io_" + std::to_string(counter++));
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  std::string file(const std::string& name) const { return (path / name).string(); }
  std::vector<std::string> entries() const {
    std::vector<std::string> out;
    for (const auto& e : fs::directory_iterator(path)) out.push_back(e.path().filename().string());
    std::sort(out.begin(), out.end());
    return out;
  }
};

// Runs f, requires an mgst::Error whose message contains every needle.
template <class F>
void check_error(F&& f, const std::vector<std::string>& needles) {
  std::string msg;
  try {
    f();
  } catch (const mgst::Error& e) {
    msg = e.what();
  } catch (const std::exception& e) {
    FAIL("expected mgst::Error, got another exception: " << e.what());
    return;
  }
  REQUIRE_MESSAGE(!msg.empty(), "expected an mgst::Error, none was thrown");
  for (const auto& n : needles)
    CHECK_MESSAGE(msg.find(n) != std::string::npos,
                  "error message '" << msg << "' lacks '" << n << "'");
}

void put_bytes(const std::string& path, const std::string& bytes) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  REQUIRE(f);
  if (!bytes.empty()) REQUIRE(std::fwrite(bytes.data(), 1, bytes.size(), f) == bytes.size());
  std::fclose(f);
}

// A safetensors file by hand: 8-byte LE header length, header, data.
std::string st_bytes(const std::string& header, const std::string& data) {
  std::string out;
  const uint64_t n = header.size();
  for (int i = 0; i < 8; ++i) out += char((n >> (8 * i)) & 0xFF);
  return out + header + data;
}

template <class T>
std::string raw(const std::vector<T>& v) {
  return std::string(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(T));
}

}  // namespace

TEST_SUITE("io") {
  // ---- JSON --------------------------------------------------------------------------

  TEST_CASE("json: parse and dump round trip, compact and pretty") {
    const std::string text = R"({"name": "eye \"01\"", "n": -12, "pi": 3.141592653589793,
    "tiny": 1.5e-300, "ok": true, "no": false, "nothing": null,
    "list": [1, [2, []], {}, {"k": "v"}], "uni": "caf\u00e9 \ud83d\ude00"})";
    const Json j = Json::parse(text, "doc.json");
    CHECK(j.at("name").as_string() == "eye \"01\"");
    CHECK(j.at("n").as_int() == -12);
    CHECK(j.at("pi").as_number() == 3.141592653589793);
    CHECK(j.at("tiny").as_number() == 1.5e-300);
    CHECK(j.at("ok").as_bool());
    CHECK(j.at("nothing").is_null());
    CHECK(j.at("list").size() == 4);
    CHECK(j.at("list")[1][0].as_int() == 2);
    CHECK(j.at("uni").as_string() == "caf\xC3\xA9 \xF0\x9F\x98\x80");
    // Insertion order is kept.
    CHECK(j.as_object().front().first == "name");
    CHECK(j.as_object().back().first == "uni");

    const std::string compact = j.dump();
    CHECK(compact.find('\n') == std::string::npos);
    CHECK(Json::parse(compact) == j);
    const std::string pretty = j.dump(2);
    CHECK(pretty.find("\n  \"name\": ") != std::string::npos);
    CHECK(Json::parse(pretty) == j);
    CHECK(Json::parse(" \n\t[ ] ").dump() == "[]");
  }

  TEST_CASE("json: string escaping in the writer") {
    std::string all;
    for (int c = 1; c < 128; ++c) all += char(c);
    all += "\xC3\xA9";  // UTF-8 passes through
    const std::string q = mgst::json_quote(all);
    for (char c : q) CHECK(static_cast<unsigned char>(c) >= 0x20);
    CHECK(Json::parse(q).as_string() == all);
    CHECK(mgst::json_quote("a\"b\\c\n\t\x01") == "\"a\\\"b\\\\c\\n\\t\\u0001\"");
    // Embedded NUL survives.
    const std::string with_nul("a\0b", 3);
    CHECK(Json::parse(Json(with_nul).dump()).as_string() == with_nul);
  }

  TEST_CASE("json: numbers round trip at float and double precision") {
    CHECK(Json(0.1f).dump() == "0.1");
    CHECK(Json(0.1).dump() == "0.1");
    CHECK(Json(42).dump() == "42");
    CHECK(Json(int64_t(-9007199254740993LL)).dump() == "-9007199254740993");
    CHECK(Json::parse("9007199254740993").as_int() == 9007199254740993LL);  // beyond 2^53, exact
    CHECK(Json(uint64_t(1) << 63).as_number() == 9223372036854775808.0);
    std::vector<double> ds = mgst::test::to_double(mgst::test::random_vector(200, 7, -1e6f, 1e6f));
    ds.push_back(1.0 / 3.0);
    ds.push_back(5e-324);
    ds.push_back(1.7976931348623157e308);
    for (double d : ds) CHECK(Json::parse(Json(d).dump()).as_number() == d);
    for (float f : mgst::test::random_vector(200, 8, -10.f, 10.f)) {
      const std::string s = Json(f).dump();
      CHECK(s.size() <= 16);  // at most 9 significant digits + sign, point, exponent
      CHECK(float(Json::parse(s).as_number()) == f);
    }
    CHECK(Json(std::numeric_limits<double>::quiet_NaN()).dump() == "null");
    CHECK(Json(std::numeric_limits<double>::infinity()).dump() == "null");
    CHECK(std::isnan(Json::parse("NaN").as_number()));
    CHECK(Json::parse("-Infinity").as_number() == -std::numeric_limits<double>::infinity());
    CHECK(Json::parse("1e400").as_number() == std::numeric_limits<double>::infinity());
    CHECK(Json::parse("-1e-400").as_number() == 0.0);
    CHECK(Json::parse("2.5E+3").as_number() == 2500.0);
    CHECK(Json::parse("1.0").as_int() == 1);
    check_error([] { Json::parse("1.5").as_int(); }, {"integer"});
  }

  TEST_CASE("json: building values and typed access errors") {
    Json j;
    j["step"] = 10;
    j["loss"] = 0.25f;
    j["terms"].push_back(Json(1.5));
    j["terms"].push_back(Json("x"));
    CHECK(j.dump() == R"({"step":10,"loss":0.25,"terms":[1.5,"x"]})");
    CHECK(j.contains("loss"));
    CHECK(j.find("missing") == nullptr);
    check_error([&] { j.at("missing"); }, {"missing"});
    check_error([&] { j.at("step").as_string(); }, {"expected a string", "number"});
    check_error([&] { j.at("terms").at(5); }, {"out of range"});
    check_error([&] { j["step"]["x"]; }, {"expected an object"});
    const Json& cj = j;
    CHECK(cj["step"].as_int() == 10);
    check_error([&] { cj["nope"]; }, {"no key \"nope\""});
  }

  TEST_CASE("json: malformed input names the source and the byte offset") {
    const char* bad[] = {
        "",      "{",       "[1,]",        "{\"a\":1,}",        "01",          "1.",   "-",
        "\"abc", "\"\\x\"", "\"\\ud800\"", "\"\\udc00\"",       "\"\\u12g4\"", "tru",  "{\"a\" 1}",
        "[1 2]", "1 2",     "\"a\tb\"",    "{\"a\":1,\"a\":2}", "{1:2}",       "[1e]", "+1",
        ".5",    "nul",     "[\"a\",]",    "{\"a\":}"};
    for (const char* text : bad) {
      CAPTURE(text);
      check_error([&] { Json::parse(text, "bad.json"); }, {"bad.json", "JSON parse error at byte"});
    }
    check_error([] { Json::parse("{\n  \"a\": ?}", "cfg.json"); },
                {"cfg.json", "byte 9", "line 2, column 8"});
    check_error([] { Json::parse("{\"k\":1,\"k\":2}", "d.json"); }, {"duplicate key \"k\""});
    // Depth limit.
    const std::string deep(300, '[');
    check_error([&] { Json::parse(deep + std::string(300, ']'), "deep.json"); },
                {"deep.json", "nesting deeper than 256"});
    CHECK(Json::parse(std::string(100, '[') + std::string(100, ']')).is_array());
    check_error([] { Json::parse("[[[1]]]", "x", 2); }, {"nesting deeper than 2"});
  }

  TEST_CASE("json: parse_json_file names a missing file") {
    TempDir d;
    check_error([&] { mgst::parse_json_file(d.file("none.json")); }, {"none.json", "No such file"});
    put_bytes(d.file("a.json"), "{\"x\": [1, 2]}");
    CHECK(mgst::parse_json_file(d.file("a.json")).at("x").size() == 2);
    put_bytes(d.file("b.json"), "{\"x\": [1, 2}");
    check_error([&] { mgst::parse_json_file(d.file("b.json")); }, {"b.json", "byte 11"});
  }

  // ---- File I/O ------------------------------------------------------------------------

  TEST_CASE("fileio: atomic write replaces the file and leaves no temporary") {
    TempDir d;
    const std::string p = d.file("out.bin");
    mgst::write_file_atomic(p, "first");
    CHECK(mgst::read_file(p) == "first");
    std::string big(1 << 20, '\0');
    for (std::size_t i = 0; i < big.size(); ++i) big[i] = char(i * 7);
    mgst::write_file_atomic(p, big);
    CHECK(mgst::read_file(p) == big);
    mgst::write_file_atomic(p, "");
    CHECK(mgst::read_file(p).empty());
    CHECK(d.entries() == std::vector<std::string>{"out.bin"});

    // A missing directory: error names the path, nothing left behind.
    check_error([&] { mgst::write_file_atomic(d.file("no/such/dir/x.bin"), "x"); },
                {"no/such/dir/x.bin", "No such file"});
    // Renaming over a directory fails: the temporary is removed.
    fs::create_directory(d.path / "adir");
    fs::create_directory(d.path / "adir" / "inner");
    check_error([&] { mgst::write_file_atomic(d.file("adir"), "x"); }, {"adir", "rename"});
    CHECK(d.entries() == std::vector<std::string>{"adir", "out.bin"});
  }

  TEST_CASE("fileio: read_file, ensure_directory and list_files errors name the path") {
    TempDir d;
    check_error([&] { mgst::read_file(d.file("missing.txt")); }, {"missing.txt", "No such file"});
    check_error([&] { mgst::read_file(d.path.string()); }, {d.path.string(), "directory"});
    // The size limit, on a file and on an endless device.
    TempDir e;
    put_bytes(e.file("hundred"), std::string(100, 'a'));
    CHECK(mgst::read_file(e.file("hundred"), 100).size() == 100);
    check_error([&] { mgst::read_file(e.file("hundred"), 99); },
                {"hundred", "larger than 99 bytes"});
    if (fs::exists("/dev/zero"))
      check_error([&] { mgst::read_file("/dev/zero", 1 << 20); },
                  {"/dev/zero", "larger than 1048576"});

    mgst::ensure_directory(d.file("a/b/c"));
    CHECK(fs::is_directory(d.path / "a/b/c"));
    mgst::ensure_directory(d.file("a/b/c"));  // no-op
    put_bytes(d.file("plain"), "x");
    check_error([&] { mgst::ensure_directory(d.file("plain")); }, {"plain", "not a directory"});

    for (const char* n : {"b.PNG", "a.png", "c.jpg", "d.txt", "e.json"}) put_bytes(d.file(n), "x");
    const auto imgs = mgst::list_files(d.path.string(), {"png", ".jpg"});
    REQUIRE(imgs.size() == 3);
    CHECK(fs::path(imgs[0]).filename() == "a.png");
    CHECK(fs::path(imgs[1]).filename() == "b.PNG");
    CHECK(fs::path(imgs[2]).filename() == "c.jpg");
    CHECK(mgst::list_files(d.path.string(), {}).size() == 6);  // files only, not a/
    check_error([&] { mgst::list_files(d.file("nope"), {"png"}); }, {"nope", "does not exist"});
    check_error([&] { mgst::list_files(d.file("plain"), {}); }, {"plain", "not a directory"});
  }

  // ---- safetensors -------------------------------------------------------------------------

  TEST_CASE("safetensors: round trip with metadata, 0-d and empty tensors") {
    TempDir d;
    const std::string p = d.file("w.safetensors");
    std::vector<NamedArray> ts;
    ts.push_back({"c1.conv.weight", {4, 3, 3, 3}, mgst::test::random_vector(108, 1)});
    ts.push_back({"step", {}, {1234.f}});
    ts.push_back({"empty", {0, 5}, {}});
    ts.push_back({"a.bias", {3}, {-1.f, 0.f, std::numeric_limits<float>::infinity()}});
    const std::map<std::string, std::string> meta{{"residual", "true"}, {"note", "q\"uote\n"}};
    mgst::write_safetensors(p, ts, meta);
    CHECK(d.entries() == std::vector<std::string>{"w.safetensors"});

    const auto f = mgst::read_safetensors(p);
    CHECK(f.metadata == meta);
    REQUIRE(f.tensors.size() == ts.size());
    for (std::size_t i = 0; i < ts.size(); ++i) {
      CAPTURE(ts[i].name);
      CHECK(f.tensors[i].name == ts[i].name);  // caller's order kept
      CHECK(f.tensors[i].shape == ts[i].shape);
      REQUIRE(f.tensors[i].data.size() == ts[i].data.size());
      if (!ts[i].data.empty())
        CHECK(std::memcmp(f.tensors[i].data.data(), ts[i].data.data(), 4 * ts[i].data.size()) == 0);
    }
    REQUIRE(f.find("step"));
    CHECK(f.find("step")->data[0] == 1234.f);
    CHECK(f.find("nope") == nullptr);

    // Layout: header length LE, header padded with spaces to 8 bytes, data packed.
    const std::string bytes = mgst::read_file(p);
    uint64_t n = 0;
    std::memcpy(&n, bytes.data(), 8);
    CHECK(n % 8 == 0);
    CHECK(bytes.size() == 8 + n + 4 * (108 + 1 + 0 + 3));
    const Json h = Json::parse(bytes.substr(8, n));
    CHECK(h.at("__metadata__").at("residual").as_string() == "true");
    CHECK(h.at("c1.conv.weight").at("dtype").as_string() == "F32");
    CHECK(h.at("c1.conv.weight").at("data_offsets").dump() == "[0,432]");
    CHECK(h.at("step").at("shape").dump() == "[]");
    const std::string header = bytes.substr(8, n);
    CHECK(header.find_last_not_of(' ') == header.find_last_of('}'));

    // No metadata: no __metadata__ key.
    mgst::write_safetensors(p, {{"x", {1}, {2.f}}});
    CHECK(mgst::read_safetensors(p).metadata.empty());
    CHECK(mgst::read_file(p).find("__metadata__") == std::string::npos);
  }

  TEST_CASE("safetensors: hand-built file as the format describes, with F16/BF16/F64") {
    TempDir d;
    // F32 [2] at [0,8), F16 [2,2] at [8,16), BF16 [2] at [16,20), F64 [1] at [20,28);
    // header not padded, keys in arbitrary order, extra whitespace.
    const std::vector<float> f32{1.5f, -2.25f};
    const std::vector<uint16_t> f16{0x3C00, 0xC000, 0x3800, 0x0001};  // 1, -2, 0.5, 2^-24
    const std::vector<uint16_t> bf16{0x3F80, 0xC0A0};                 // 1, -5
    const std::vector<double> f64{0.1};
    const std::string header =
        R"({ "h": {"dtype": "F16", "shape": [2, 2], "data_offsets": [8, 16]},
          "__metadata__": {"format": "pt"},
          "f": {"data_offsets": [0, 8], "dtype": "F32", "shape": [2]},
          "b": {"dtype": "BF16", "shape": [2], "data_offsets": [16, 20]},
          "d": {"dtype": "F64", "shape": [1], "data_offsets": [20, 28]} })";
    const std::string p = d.file("hand.safetensors");
    put_bytes(p, st_bytes(header, raw(f32) + raw(f16) + raw(bf16) + raw(f64)));
    const auto f = mgst::read_safetensors(p);
    CHECK(f.metadata.at("format") == "pt");
    REQUIRE(f.tensors.size() == 4);
    CHECK(f.tensors[0].name == "h");
    CHECK(f.find("f")->data == std::vector<float>{1.5f, -2.25f});
    CHECK(f.find("h")->shape == std::vector<int64_t>{2, 2});
    CHECK(f.find("h")->data == std::vector<float>{1.f, -2.f, 0.5f, std::ldexp(1.f, -24)});
    CHECK(f.find("b")->data == std::vector<float>{1.f, -5.f});
    CHECK(f.find("d")->data == std::vector<float>{0.1f});
  }

  TEST_CASE("safetensors: broken files give errors naming the file and tensor") {
    TempDir d;
    int k = 0;
    auto expect = [&](const std::string& bytes, std::vector<std::string> needles) {
      const std::string p = d.file("bad" + std::to_string(k++) + ".safetensors");
      put_bytes(p, bytes);
      needles.push_back(p);
      check_error([&] { mgst::read_safetensors(p); }, needles);
    };
    const std::string eight(8, '\0');
    auto entry = [](const std::string& name, const std::string& dtype, const std::string& shape,
                    const std::string& off) {
      return "\"" + name + "\":{\"dtype\":\"" + dtype + "\",\"shape\":" + shape +
             ",\"data_offsets\":" + off + "}";
    };
    const std::string data16(16, '\0');

    SUBCASE("short, truncated, huge header") {
      expect("", {"shorter than the 8-byte header length"});
      expect("abcd", {"4 bytes, shorter than"});
      expect(st_bytes("{}", "").substr(0, 9), {"larger than the 1 bytes"});
      std::string huge = st_bytes("{}", "");
      const uint64_t n = 200'000'000;
      std::memcpy(huge.data(), &n, 8);
      expect(huge, {"200000000", "limit"});
      expect(st_bytes("{", ""), {"too short"});
    }
    SUBCASE("bad JSON and wrong structure") {
      expect(st_bytes("{\"a\": [1,}", data16), {"JSON parse error at byte"});
      expect(st_bytes("[1, 2]", data16), {"expected an object"});
      expect(st_bytes("{\"w\": 3}", data16), {"tensor 'w'", "expected an object"});
      expect(st_bytes("{\"__metadata__\": {\"a\": 1}}", ""), {"__metadata__", "\"a\"", "string"});
      expect(st_bytes("{" + entry("w", "F32", "[2]", "[0,8]") + "," +
                          entry("w", "F32", "[2]", "[8,16]") + "}",
                      data16),
             {"duplicate key \"w\""});
    }
    SUBCASE("missing fields") {
      expect(st_bytes(R"({"w": {"shape": [2], "data_offsets": [0, 8]}})", data16),
             {"tensor 'w'", "missing \"dtype\""});
      expect(st_bytes(R"({"w": {"dtype": "F32", "data_offsets": [0, 8]}})", data16),
             {"tensor 'w'", "missing \"shape\""});
      expect(st_bytes(R"({"w": {"dtype": "F32", "shape": [2]}})", data16),
             {"tensor 'w'", "missing \"data_offsets\""});
      expect(st_bytes("{" + entry("w", "F32", "[2]", "[0]") + "}", data16),
             {"tensor 'w'", "[begin, end]"});
      expect(st_bytes("{" + entry("w", "F32", "[2.5]", "[0,8]") + "}", data16),
             {"tensor 'w'", "non-integer"});
    }
    SUBCASE("dtypes") {
      expect(st_bytes("{" + entry("ids", "I64", "[2]", "[0,16]") + "}", data16),
             {"tensor 'ids'", "I64", "not supported"});
      expect(st_bytes("{" + entry("q", "Q4", "[2]", "[0,8]") + "}", data16),
             {"tensor 'q'", "unknown dtype \"Q4\""});
    }
    SUBCASE("offsets and sizes") {
      expect(st_bytes("{" + entry("w", "F32", "[2]", "[8,24]") + "}", data16),
             {"tensor 'w'", "run past the 16-byte"});
      expect(st_bytes("{" + entry("w", "F32", "[2]", "[8,4]") + "}", data16),
             {"tensor 'w'", "end before"});
      expect(st_bytes("{" + entry("w", "F32", "[2]", "[-8,0]") + "}", data16),
             {"tensor 'w'", "non-negative"});
      expect(st_bytes("{" + entry("w", "F32", "[3]", "[0,8]") + "}", data16),
             {"tensor 'w'", "hold 8 bytes", "needs 12"});
      expect(st_bytes("{" + entry("a", "F32", "[3]", "[0,12]") + "," +
                          entry("b", "F32", "[2]", "[8,16]") + "}",
                      data16),
             {"'a'", "'b'", "overlap"});
      expect(st_bytes("{" + entry("w", "F32", "[-1, 2]", "[0,8]") + "}", data16),
             {"tensor 'w'", "negative dimension -1"});
      expect(st_bytes("{" + entry("w", "F32", "[4294967296, 4294967296, 16]", "[0,8]") + "}",
                      data16),
             {"tensor 'w'", "overflows"});
      expect(st_bytes("{" + entry("w", "F32", "[4611686018427387904]", "[0,8]") + "}", data16),
             {"tensor 'w'", "overflows"});
    }
    // Valid edge cases the checks must not reject: empty tensors at any offset,
    // unpadded headers, unused trailing bytes.
    const std::string p = d.file("ok.safetensors");
    put_bytes(p, st_bytes("{" + entry("e", "F32", "[0]", "[4,4]") + "," +
                              entry("w", "F32", "[2]", "[0,8]") + "," +
                              entry("z", "F32", "[0,3]", "[8,8]") + "}",
                          data16));
    const auto f = mgst::read_safetensors(p);
    CHECK(f.tensors.size() == 3);
    CHECK(f.find("z")->shape == std::vector<int64_t>{0, 3});
  }

  TEST_CASE("safetensors: write rejects bad input and leaves no file") {
    TempDir d;
    const std::string p = d.file("x.safetensors");
    check_error(
        [&] {
          mgst::write_safetensors(p, {{"a", {2}, {1, 2}}, {"a", {1}, {3}}});
        },
        {p, "tensor 'a'", "duplicate"});
    check_error(
        [&] {
          mgst::write_safetensors(p, {{"a", {2, 2}, {1, 2, 3}}});
        },
        {p, "tensor 'a'", "4 elements", "3"});
    check_error(
        [&] {
          mgst::write_safetensors(p, {{"a", {-1}, {}}});
        },
        {p, "tensor 'a'", "negative"});
    check_error([&] { mgst::write_safetensors(p, {{"", {1}, {1}}}); }, {p, "empty name"});
    check_error([&] { mgst::write_safetensors(p, {{"__metadata__", {1}, {1}}}); }, {p, "reserved"});
    CHECK(d.entries().empty());
    check_error([&] { mgst::read_safetensors(p); }, {p, "No such file"});
  }

  // ---- Images ------------------------------------------------------------------------------

  namespace {

  // A w x h image with `c` channels whose values are a deterministic pattern.
  std::vector<uint8_t> pattern(int w, int h, int c) {
    std::vector<uint8_t> px(std::size_t(w) * h * c);
    for (int y = 0; y < h; ++y)
      for (int x = 0; x < w; ++x)
        for (int k = 0; k < c; ++k)
          px[(std::size_t(y) * w + x) * c + k] = uint8_t((x * 37 + y * 11 + k * 80) % 256);
    return px;
  }

  // Bilinear reference in double, written from the PyTorch definition.
  std::vector<double> bilinear_ref(const data::ImageF& im, int oh, int ow) {
    std::vector<double> out;
    for (int c = 0; c < im.channels; ++c)
      for (int y = 0; y < oh; ++y)
        for (int x = 0; x < ow; ++x) {
          double sy = std::max(0.0, (y + 0.5) * im.height / oh - 0.5);
          double sx = std::max(0.0, (x + 0.5) * im.width / ow - 0.5);
          const int y0 = int(sy), x0 = int(sx);
          const int y1 = std::min(y0 + 1, im.height - 1), x1 = std::min(x0 + 1, im.width - 1);
          const double ly = sy - y0, lx = sx - x0;
          out.push_back((1 - ly) * ((1 - lx) * im.at(c, y0, x0) + lx * im.at(c, y0, x1)) +
                        ly * ((1 - lx) * im.at(c, y1, x0) + lx * im.at(c, y1, x1)));
        }
    return out;
  }

  data::ImageF ramp(int c, int h, int w) {
    data::ImageF im(c, h, w);
    const auto r = mgst::test::random_vector(im.data.size(), 99, 0.f, 1.f);
    im.data = r;
    return im;
  }

  }  // namespace

  TEST_CASE("image: PNG, BMP and JPG in grey, RGB and RGBA load as RGB / mask") {
    TempDir d;
    const int w = 7, h = 5;
    for (int c : {1, 3, 4}) {
      CAPTURE(c);
      const auto px = pattern(w, h, c);
      const std::string png = d.file("im" + std::to_string(c) + ".png");
      const std::string bmp = d.file("im" + std::to_string(c) + ".bmp");
      const std::string jpg = d.file("im" + std::to_string(c) + ".jpg");
      REQUIRE(stbi_write_png(png.c_str(), w, h, c, px.data(), w * c));
      REQUIRE(stbi_write_bmp(bmp.c_str(), w, h, c, px.data()));
      REQUIRE(stbi_write_jpg(jpg.c_str(), w, h, c, px.data(), 100));

      const data::ImageU8 raw8 = data::load_image(png);
      CHECK(raw8.channels == c);
      CHECK(raw8.pixels == px);

      for (const std::string& path : {png, bmp}) {
        CAPTURE(path);
        const data::ImageF rgb = data::load_rgb(path);
        REQUIRE(rgb.channels == 3);
        REQUIRE(rgb.height == h);
        REQUIRE(rgb.width == w);
        for (int y = 0; y < h; ++y)
          for (int x = 0; x < w; ++x)
            for (int k = 0; k < 3; ++k) {
              const int src = c == 1 ? 0 : k;  // grey replicated, alpha dropped
              CHECK(rgb.at(k, y, x) == float(px[(std::size_t(y) * w + x) * c + src]) / 255.f);
            }
        const data::ImageF m = data::load_mask(path);
        REQUIRE(m.channels == 1);
        for (int y = 0; y < h; ++y)
          for (int x = 0; x < w; ++x)
            CHECK(m.at(0, y, x) ==
                  float(px[(std::size_t(y) * w + x) * c]) / 255.f);  // first channel
      }
      const data::ImageF j = data::load_rgb(jpg);
      CHECK(j.height == h);
      CHECK(j.width == w);
      double err = 0;
      for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x)
          err += std::fabs(j.at(0, y, x) - px[(std::size_t(y) * w + x) * c] / 255.0);
      CHECK(err / (w * h) < 0.1);  // lossy, but the same picture
    }
  }

  TEST_CASE("image: masks with attention labels and label-map detection") {
    TempDir d;
    const int w = 4, h = 3;
    const std::vector<uint8_t> labels{0, 1, 2, 3, 3, 2, 1, 0, 0, 0, 2, 4};
    const std::string p = d.file("labels.png");
    REQUIRE(stbi_write_png(p.c_str(), w, h, 1, labels.data(), w));
    const data::ImageF m = data::load_mask(p, {2, 3});
    for (std::size_t i = 0; i < labels.size(); ++i)
      CHECK(m.data[i] == ((labels[i] == 2 || labels[i] == 3) ? 1.f : 0.f));
    const data::LabelMap lm = data::load_label_map(p);
    CHECK(lm.height == h);
    CHECK(lm.width == w);
    CHECK(std::vector<int>(labels.begin(), labels.end()) == lm.values);
    check_error([&] { data::load_mask(p, {256}); }, {p, "256"});

    CHECK(data::looks_like_label_map(data::load_image(p)));
    const std::vector<uint8_t> binary{0, 255, 255, 0, 0, 0, 255, 255, 0, 0, 0, 0};
    const std::vector<uint8_t> soft{0, 10, 128, 200, 255, 3, 0, 0, 0, 0, 0, 0};
    const std::vector<uint8_t> zeros(12, 0);
    const std::vector<uint8_t> zero_one{0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0};
    data::ImageU8 im{w, h, 1, binary};
    CHECK_FALSE(data::looks_like_label_map(im));
    im.pixels = soft;
    CHECK_FALSE(data::looks_like_label_map(im));
    im.pixels = zeros;
    CHECK_FALSE(data::looks_like_label_map(im));
    im.pixels = zero_one;
    CHECK(data::looks_like_label_map(im));
  }

  TEST_CASE("image: unreadable, truncated, empty and missing files name the file") {
    TempDir d;
    const auto px = pattern(16, 16, 3);
    const std::string good = d.file("good.png");
    REQUIRE(stbi_write_png(good.c_str(), 16, 16, 3, px.data(), 48));
    const std::string bytes = mgst::read_file(good);
    const std::string trunc = d.file("trunc.png");
    put_bytes(trunc, bytes.substr(0, bytes.size() / 2));
    const std::string header_only = d.file("head.png");
    put_bytes(header_only, bytes.substr(0, 12));
    const std::string empty = d.file("empty.png");
    put_bytes(empty, "");
    const std::string text = d.file("text.jpg");
    put_bytes(text, "this is not an image at all");

    check_error([&] { data::load_rgb(trunc); }, {trunc, "cannot decode"});
    check_error([&] { data::load_rgb(header_only); }, {header_only});
    check_error([&] { data::load_rgb(empty); }, {empty, "empty"});
    check_error([&] { data::load_mask(text); }, {text, "not a readable image"});
    check_error([&] { data::load_label_map(d.file("missing.png")); },
                {"missing.png", "does not exist"});
    check_error([&] { data::load_rgb(d.path.string()); }, {d.path.string(), "directory"});
    // An absurd size in an otherwise valid header is rejected before decoding.
    std::string huge = bytes;
    const uint32_t big = 20000;
    for (int i = 0; i < 4; ++i) huge[16 + i] = char((big >> (24 - 8 * i)) & 0xFF);  // IHDR width
    const std::string hp = d.file("huge.png");
    put_bytes(hp, huge);
    check_error([&] { data::load_rgb(hp); }, {hp, "20000x16", "16384"});
  }

  TEST_CASE("image: bilinear resize matches the PyTorch formula (align_corners=False)") {
    for (auto [c, h, w, oh, ow] : std::vector<std::array<int, 5>>{{1, 3, 4, 5, 7},
                                                                  {3, 8, 8, 3, 3},
                                                                  {2, 5, 3, 5, 9},
                                                                  {1, 4, 6, 2, 6},
                                                                  {1, 1, 1, 3, 2},
                                                                  {3, 7, 5, 14, 10}}) {
      CAPTURE(h);
      CAPTURE(w);
      CAPTURE(oh);
      CAPTURE(ow);
      const data::ImageF im = ramp(c, h, w);
      const data::ImageF out = data::resize_bilinear(im, oh, ow);
      CHECK(out.channels == c);
      CHECK(out.height == oh);
      CHECK(out.width == ow);
      mgst::test::all_close("bilinear", out.data, bilinear_ref(im, oh, ow), 1e-6, 1e-6);
    }
    // Hand-checked values: 1x2 [0, 1] -> 1x4 gives [0, 0.25, 0.75, 1].
    data::ImageF two(1, 1, 2);
    two.data = {0.f, 1.f};
    mgst::test::all_close("1x2->1x4", data::resize_bilinear(two, 1, 4).data,
                          std::vector<double>{0, 0.25, 0.75, 1}, 1e-7, 0);
    // Downscale 4 -> 2 averages pairs (src = 0.5, 2.5).
    data::ImageF four(1, 1, 4);
    four.data = {0.f, 1.f, 2.f, 3.f};
    mgst::test::all_close("1x4->1x2", data::resize_bilinear(four, 1, 2).data,
                          std::vector<double>{0.5, 2.5}, 1e-7, 0);
    // Same size: an exact copy.
    const data::ImageF im = ramp(3, 6, 5);
    CHECK(data::resize_bilinear(im, 6, 5).data == im.data);
    check_error([&] { data::resize_bilinear(im, 0, 5); }, {"positive"});
  }

  TEST_CASE("image: nearest resize is floor(dst * in / out)") {
    for (auto [h, w, oh, ow] :
         std::vector<std::array<int, 4>>{{2, 3, 4, 6}, {5, 5, 2, 3}, {3, 7, 8, 4}, {4, 4, 4, 4}}) {
      const data::ImageF im = ramp(2, h, w);
      const data::ImageF out = data::resize_nearest(im, oh, ow);
      std::vector<float> ref;
      for (int c = 0; c < 2; ++c)
        for (int y = 0; y < oh; ++y)
          for (int x = 0; x < ow; ++x)
            ref.push_back(im.at(c, std::min(h - 1, y * h / oh), std::min(w - 1, x * w / ow)));
      CHECK(out.data == ref);
      data::LabelMap lm;
      lm.height = h;
      lm.width = w;
      for (int i = 0; i < h * w; ++i) lm.values.push_back(i);
      const data::LabelMap lo = data::resize_nearest(lm, oh, ow);
      for (int y = 0; y < oh; ++y)
        for (int x = 0; x < ow; ++x) CHECK(lo.at(y, x) == lm.at(y * h / oh, x * w / ow));
    }
  }

  TEST_CASE("image: crops replicate the edge outside the frame") {
    data::ImageF im(1, 2, 3);
    im.data = {1, 2, 3, 4, 5, 6};  // rows [1 2 3] [4 5 6]
    const data::ImageF c = data::crop(im, -1, -2, 4, 6);
    const std::vector<float> ref{1, 1, 1, 2, 3, 3,  //
                                 1, 1, 1, 2, 3, 3,  //
                                 4, 4, 4, 5, 6, 6,  //
                                 4, 4, 4, 5, 6, 6};
    CHECK(c.data == ref);
    CHECK(data::crop(im, 1, 1, 1, 2).data == std::vector<float>{5, 6});
    CHECK(data::crop(im, 5, 5, 1, 1).data == std::vector<float>{6});
    // Centre crops, smaller and larger than the image.
    data::ImageF big(1, 4, 5);
    for (int i = 0; i < 20; ++i) big.data[i] = float(i);
    CHECK(data::center_crop(big, 2, 2).data == std::vector<float>{6, 7, 11, 12});  // top 1, left 1
    CHECK(data::center_crop(big, 4, 5).data == big.data);
    const data::ImageF pad = data::center_crop(im, 4, 5);  // top -1, left -1
    CHECK(pad.data ==
          std::vector<float>{1, 1, 2, 3, 3, 1, 1, 2, 3, 3, 4, 4, 5, 6, 6, 4, 4, 5, 6, 6});
    data::LabelMap lm{2, 3, {1, 2, 3, 4, 5, 6}};
    CHECK(data::crop(lm, -1, -2, 4, 6).values == std::vector<int>(ref.begin(), ref.end()));
  }

  TEST_CASE("crops: skip_sample draws from the rng exactly what crop_frame does") {
    // A data-parallel rank skips the other ranks' samples with skip_sample
    // (apps/train/trainer.cpp load_step); the next sample's crop must see the
    // same random sequence as in a single process.
    data::DecodedFrame f;
    f.image = data::ImageF(3, 20, 30, 0.5f);
    f.mask = data::ImageF(1, 20, 30, 1.f);
    for (const char* mode : {"center", "random", "eye"}) {
      const data::CropOptions crop = data::parse_crop(mode);
      mgst::Rng used(7), skipped(7);
      (void)data::crop_frame(f, 8, 8, crop, used);
      data::skip_sample(crop, skipped);
      CHECK_MESSAGE(used.state() == skipped.state(), mode);
      CHECK(used.uniform() == skipped.uniform());
    }
  }

  TEST_CASE("dataset: make_batch stacks the samples in order; v = 1 where a sample has none") {
    auto sample = [](const std::string& name, float base, bool with_valid) {
      data::Sample s;
      s.image = data::ImageF(3, 2, 3), s.mask = data::ImageF(1, 2, 3);
      for (std::size_t i = 0; i < s.image.data.size(); ++i) s.image.data[i] = base + float(i);
      for (std::size_t i = 0; i < s.mask.data.size(); ++i) s.mask.data[i] = -base - float(i);
      if (with_valid) s.valid = data::ImageF(1, 2, 3, 0.25f);
      s.name = name;
      return s;
    };
    const std::vector<data::Sample> samples = {sample("a", 100, false), sample("b", 200, true)};
    const data::Batch b = data::make_batch(samples, mgst::Device::cpu());
    CHECK(b.x.shape() == mgst::Shape{2, 3, 2, 3});
    CHECK(b.m.shape() == mgst::Shape{2, 1, 2, 3});
    REQUIRE(b.v.defined());
    const auto x = b.x.to_vector(), m = b.m.to_vector(), v = b.v.to_vector();
    for (int n = 0; n < 2; ++n)
      for (int i = 0; i < 18; ++i) CHECK(x[std::size_t(n * 18 + i)] == 100.f * (n + 1) + float(i));
    for (int n = 0; n < 2; ++n)
      for (int i = 0; i < 6; ++i) CHECK(m[std::size_t(n * 6 + i)] == -100.f * (n + 1) - float(i));
    for (int i = 0; i < 12; ++i) CHECK(v[std::size_t(i)] == (i < 6 ? 1.f : 0.25f));
    CHECK(b.names == std::vector<std::string>{"a", "b"});
    CHECK_FALSE(data::make_batch({samples[0]}, mgst::Device::cpu()).v.defined());
    // A sample of another size, or a mask of another size, is an error naming it.
    auto wide = sample("wide.png", 0, false);
    wide.image = data::ImageF(3, 2, 4);
    CHECK_THROWS_WITH_AS(data::make_batch({samples[0], wide}, mgst::Device::cpu()),
                         doctest::Contains("wide.png"), mgst::Error);
    auto bad_mask = sample("bad_mask.png", 0, false);
    bad_mask.mask = data::ImageF(1, 3, 3);
    CHECK_THROWS_WITH_AS(data::make_batch({bad_mask}, mgst::Device::cpu()),
                         doctest::Contains("bad_mask.png"), mgst::Error);
  }

  TEST_CASE("image: save_png clamps, rounds and writes atomically; grid") {
    TempDir d;
    data::ImageF im(3, 2, 3);
    for (std::size_t i = 0; i < im.data.size(); ++i) im.data[i] = float(i * 10) / 255.f;
    im.data[0] = -0.5f;
    im.data[1] = 1.5f;
    im.data[2] = std::numeric_limits<float>::quiet_NaN();
    im.data[3] = 100.4f / 255.f;
    const std::string p = d.file("out.png");
    data::save_png(p, im);
    CHECK(d.entries() == std::vector<std::string>{"out.png"});
    const data::ImageU8 back = data::load_image(p);
    REQUIRE(back.channels == 3);
    CHECK(back.width == 3);
    CHECK(back.height == 2);
    CHECK(back.at(0, 0, 0) == 0);
    CHECK(back.at(0, 1, 0) == 255);
    CHECK(back.at(0, 2, 0) == 0);
    CHECK(back.at(1, 0, 0) == 100);
    for (int k = 0; k < 3; ++k)
      for (int y = 0; y < 2; ++y)
        for (int x = 0; x < 3; ++x) {
          const int i = (k * 2 + y) * 3 + x;  // CHW index
          if (i >= 4) CHECK(back.at(y, x, k) == uint8_t(i * 10));
        }

    data::ImageF mask(1, 3, 2, 0.5f);
    data::save_png(d.file("mask.png"), mask);
    const data::ImageU8 mb = data::load_image(d.file("mask.png"));
    CHECK(mb.channels == 1);
    CHECK(mb.pixels == std::vector<uint8_t>(6, 128));
    check_error([&] { data::save_png(d.file("no/dir/x.png"), mask); }, {"no/dir/x.png"});
    check_error([&] { data::save_png(d.file("bad.png"), data::ImageF(5, 2, 2)); },
                {"bad.png", "1 to 4 channels"});

    const data::ImageF g =
        data::image_grid({im, mask.channels == 1 ? data::ImageF(1, 2, 3, 0.25f) : mask, im}, 2, 1,
                         1.f);
    CHECK(g.channels == 3);
    CHECK(g.height == 2 * 2 + 3);
    CHECK(g.width == 2 * 3 + 3);
    CHECK(g.at(0, 0, 0) == 1.f);                     // border
    CHECK(g.at(1, 1, 1 + 1) == im.at(1, 0, 1));      // tile 0
    CHECK(g.at(2, 1, 1 + 3 + 1) == 0.25f);           // tile 1, grey replicated
    CHECK(g.at(0, 1 + 2 + 1, 1) == im.at(0, 0, 0));  // tile 2, second row
    CHECK(g.at(0, 4, 5) == 1.f);                     // empty cell keeps the background
    check_error(
        [&] {
          data::image_grid({im, data::ImageF(3, 3, 3)});
        },
        {"tile 1", "equally sized"});
  }

  // ---- Plot --------------------------------------------------------------------------------

  TEST_CASE("plot: loss curves render to a decodable PNG of the requested size") {
    TempDir d;
    std::vector<double> a, b, c;
    for (int i = 0; i < 500; ++i) {
      a.push_back(5.0 * std::exp(-i / 80.0) + 0.01);
      b.push_back(i == 100 ? std::numeric_limits<double>::quiet_NaN()
                           : 0.3 + 0.1 * std::sin(i * 0.1));
      c.push_back(1e-3);
    }
    const std::string p = d.file("loss.png");
    train::write_loss_plot(p, {"total", "style", "tv"}, {a, b, c}, "losses");
    data::ImageU8 im = data::load_image(p);
    CHECK(im.width == 800);
    CHECK(im.height == 500);
    CHECK(im.channels == 3);
    // The first series' colour (tab10 blue) appears; the corner is white.
    bool blue = false;
    for (std::size_t i = 0; i + 2 < im.pixels.size(); i += 3)
      blue = blue || (im.pixels[i] == 31 && im.pixels[i + 1] == 119 && im.pixels[i + 2] == 180);
    CHECK(blue);
    CHECK(im.at(0, 0, 0) == 255);

    train::PlotOptions o;
    o.width = 640;
    o.height = 360;
    o.y_scale = train::PlotOptions::YScale::Linear;
    train::write_loss_plot(p, {"one"}, {{1.0}}, "", o);  // a single point
    im = data::load_image(p);
    CHECK(im.width == 640);
    CHECK(im.height == 360);
    train::write_loss_plot(p, {"nan", "empty"}, {{NAN, NAN}, {}}, "nothing finite");
    train::write_loss_plot(p, {}, {}, "no series");
    CHECK(d.entries() == std::vector<std::string>{"loss.png"});
    check_error(
        [&] {
          train::write_loss_plot(p, {"a"}, {a, b}, "x");
        },
        {"loss.png", "1 names for 2 series"});
  }

}  // TEST_SUITE
