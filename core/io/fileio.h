// Whole-file reads, atomic writes and directory helpers. Every error names the
// path and the operating system's reason.
#pragma once
#include <cstddef>
#include <string>
#include <vector>

namespace mgst {

// The file's bytes. Throws mgst::Error naming `path` and strerror(errno).
// The whole file. Refuses (naming the file and the limit) one larger than
// `max_bytes`, checked while reading, so a device or pipe cannot exhaust memory.
constexpr std::size_t kDefaultMaxFileBytes = std::size_t(4) << 30;  // > VGG-19 weights (548 MB)
std::string read_file(const std::string& path, std::size_t max_bytes = kDefaultMaxFileBytes);

// Writes `bytes` so that `path` holds either its old content or the new one,
// never a mix: write to `path.tmp.<pid>` in the same directory, fflush, fsync,
// rename over `path`, fsync the directory. On any failure the temporary file
// is removed and mgst::Error names the path and the reason.
void write_file_atomic(const std::string& path, const std::string& bytes);

// Creates `path` and its missing parents (no-op when it already exists).
// Throws when `path` exists and is not a directory or cannot be created.
void ensure_directory(const std::string& path);

// Regular files directly inside `dir` whose extension (case-insensitive, with
// or without the dot: ".png" or "png") is one of `extensions`; all files when
// `extensions` is empty. Sorted by full path. Throws when `dir` is missing or
// not a directory.
std::vector<std::string> list_files(const std::string& dir,
                                    const std::vector<std::string>& extensions);

}  // namespace mgst
