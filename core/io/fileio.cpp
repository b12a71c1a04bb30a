#include "core/io/fileio.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <system_error>

#include "kernels/error.h"

namespace fs = std::filesystem;

namespace mgst {

namespace {

std::string errno_text() { return std::strerror(errno); }

std::string lower(std::string s) {
  for (auto& c : s) c = char(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

std::string read_file(const std::string& path, std::size_t max_bytes) {
  std::error_code ec;
  MGST_CHECK(!fs::is_directory(path, ec), path << ": is a directory, expected a file");
  std::FILE* f = std::fopen(path.c_str(), "rb");
  MGST_CHECK(f, path << ": cannot open for reading: " << errno_text());
  std::string out;
  char buf[1 << 16];
  for (;;) {
    const std::size_t n = std::fread(buf, 1, sizeof buf, f);
    if (out.size() + n > max_bytes) {
      std::fclose(f);
      MGST_FAIL(path << ": larger than " << max_bytes << " bytes, the most this reader accepts");
    }
    out.append(buf, n);
    if (n < sizeof buf) break;
  }
  const bool failed = std::ferror(f);
  const std::string why = failed ? errno_text() : "";
  std::fclose(f);
  MGST_CHECK(!failed, path << ": read error: " << why);
  return out;
}

void write_file_atomic(const std::string& path, const std::string& bytes) {
  MGST_CHECK(!path.empty(), "write_file_atomic: empty path");
  const fs::path target(path);
  const std::string tmp = path + ".tmp." + std::to_string(::getpid());
  std::FILE* f = std::fopen(tmp.c_str(), "wb");
  MGST_CHECK(f, path << ": cannot create temporary file " << tmp << ": " << errno_text());
  // From here on every failure removes the temporary file before throwing.
  auto fail = [&](const std::string& what) {
    const std::string why = errno_text();
    if (f) std::fclose(f);
    std::remove(tmp.c_str());
    MGST_FAIL(path << ": " << what << ": " << why);
  };
  if (!bytes.empty() && std::fwrite(bytes.data(), 1, bytes.size(), f) != bytes.size())
    fail("write failed");
  if (std::fflush(f) != 0) fail("flush failed");
  if (::fsync(::fileno(f)) != 0) fail("fsync failed");
  const int rc = std::fclose(f);
  f = nullptr;
  if (rc != 0) fail("close failed");
  if (std::rename(tmp.c_str(), path.c_str()) != 0) fail("rename from " + tmp + " failed");
  // Make the rename itself durable. A directory that cannot be opened or
  // synced (some file systems) is not an error: the data is already in place.
  const std::string dir = target.has_parent_path() ? target.parent_path().string() : ".";
  const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY);
  if (dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
}

void ensure_directory(const std::string& path) {
  MGST_CHECK(!path.empty(), "ensure_directory: empty path");
  std::error_code ec;
  if (fs::is_directory(path, ec)) return;
  MGST_CHECK(!fs::exists(path, ec), path << ": exists and is not a directory");
  fs::create_directories(path, ec);
  MGST_CHECK(!ec && fs::is_directory(path),
             path << ": cannot create directory: " << (ec ? ec.message() : "unknown error"));
}

std::vector<std::string> list_files(const std::string& dir,
                                    const std::vector<std::string>& extensions) {
  std::error_code ec;
  MGST_CHECK(fs::exists(dir, ec), dir << ": directory does not exist");
  MGST_CHECK(fs::is_directory(dir, ec), dir << ": is not a directory");
  std::vector<std::string> exts;
  for (const auto& e : extensions) {
    std::string x = lower(e);
    if (!x.empty() && x[0] != '.') x = "." + x;
    exts.push_back(x);
  }
  std::vector<std::string> out;
  fs::directory_iterator it(dir, ec), end;
  MGST_CHECK(!ec, dir << ": cannot list directory: " << ec.message());
  for (; it != end; it.increment(ec)) {
    MGST_CHECK(!ec, dir << ": cannot list directory: " << ec.message());
    std::error_code ec2;
    if (!it->is_regular_file(ec2)) continue;
    const std::string ext = lower(it->path().extension().string());
    if (!exts.empty() && std::find(exts.begin(), exts.end(), ext) == exts.end()) continue;
    out.push_back(it->path().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace mgst
