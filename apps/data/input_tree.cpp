#include "apps/data/input_tree.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <map>

#include "kernels/error.h"

namespace mgst::data {

namespace fs = std::filesystem;

namespace {

bool is_image_name(const fs::path& p) {
  std::string ext = p.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return char(std::tolower(c)); });
  return ext == ".png" || ext == ".jpg" || ext == ".jpeg" || ext == ".bmp";
}

// True when `p` is `dir` or lies under it (both made absolute and normal).
bool under(const fs::path& p, const fs::path& dir) {
  if (dir.empty()) return false;
  const fs::path a = fs::weakly_canonical(p), d = fs::weakly_canonical(dir);
  auto [da, pa] = std::mismatch(d.begin(), d.end(), a.begin(), a.end());
  return da == d.end();
}

struct Walk {
  std::vector<fs::path> images;  // relative to the root
  int skipped_files = 0, ignored_folders = 0;
};

// The regular files under `root` (its tree with `recursive`), skipping `exclude`.
Walk walk(const fs::path& root, bool recursive, const fs::path& exclude) {
  Walk w;
  std::error_code ec;
  fs::recursive_directory_iterator it(root, ec), end;
  MGST_CHECK(!ec, root.string() << ": cannot list directory: " << ec.message());
  for (; it != end; it.increment(ec)) {
    MGST_CHECK(!ec, root.string() << ": cannot list directory: " << ec.message());
    const fs::directory_entry& e = *it;
    if (e.is_directory(ec)) {
      if (!recursive) {
        ++w.ignored_folders;
        it.disable_recursion_pending();
      } else if (under(e.path(), exclude)) {
        it.disable_recursion_pending();
      }
      continue;
    }
    if (!e.is_regular_file(ec)) continue;
    if (is_image_name(e.path()))
      w.images.push_back(fs::relative(e.path(), root));
    else
      ++w.skipped_files;
  }
  std::sort(w.images.begin(), w.images.end());
  return w;
}

std::string stem_of(const fs::path& relative) {
  return (relative.parent_path() / relative.stem()).generic_string();
}

// Masks under `dir` by relative stem; two masks of one stem are an error.
std::map<std::string, std::string> masks_by_stem(const fs::path& dir, bool recursive) {
  std::map<std::string, std::string> by_stem;
  for (const auto& rel : walk(dir, recursive, {}).images) {
    const std::string path = (dir / rel).string();
    auto [it, fresh] = by_stem.emplace(stem_of(rel), path);
    MGST_CHECK(fresh,
               it->second << " and " << path << ": two masks of one file stem; keep one of them");
  }
  return by_stem;
}

}  // namespace

InputListing list_inputs(const std::string& images, const std::string& masks, bool recursive,
                         const std::string& exclude) {
  MGST_CHECK(fs::exists(images), images << ": no such file or directory");
  InputListing out;
  if (!fs::is_directory(images)) {
    const fs::path p(images);
    std::string mask = masks;
    if (!masks.empty()) {
      MGST_CHECK(fs::exists(masks), masks << ": no such mask file or directory");
      if (fs::is_directory(masks)) {
        const auto by_stem = masks_by_stem(masks, false);
        auto it = by_stem.find(p.stem().string());
        MGST_CHECK(it != by_stem.end(), images << ": no mask named " << p.stem().string()
                                               << ".(png|jpg|bmp) in " << masks);
        mask = it->second;
      }
    }
    out.items.push_back({{images, mask}, p.stem().string()});
    return out;
  }
  const Walk w = walk(images, recursive, exclude);
  out.skipped_files = w.skipped_files, out.ignored_folders = w.ignored_folders;
  MGST_CHECK(!w.images.empty(),
             images << ": no images (.png, .jpg, .jpeg, .bmp) in this directory"
                    << (!recursive && w.ignored_folders > 0 ? " (it has subfolders: --recursive)"
                                                            : ""));
  std::map<std::string, std::string> by_stem;
  if (!masks.empty()) {
    MGST_CHECK(fs::exists(masks), masks << ": no such mask file or directory");
    MGST_CHECK(fs::is_directory(masks) || w.images.size() == 1,
               masks << " is one mask file but " << images << " holds " << w.images.size()
                     << " images; give a mask directory");
    if (fs::is_directory(masks)) by_stem = masks_by_stem(masks, recursive);
  }
  // Two inputs of one relative stem would overwrite each other's output.
  std::map<std::string, std::string> written_by;
  for (const auto& rel : w.images) {
    const std::string path = (fs::path(images) / rel).string(), stem = stem_of(rel);
    auto [prev, fresh] = written_by.emplace(stem, path);
    MGST_CHECK(fresh, prev->second << " and " << path << " would both be written as " << stem
                                   << ".png (one file stem): rename one, or purify them into "
                                      "separate --out folders");
    std::string mask;
    if (!masks.empty() && !fs::is_directory(masks)) {
      mask = masks;
    } else if (!masks.empty()) {
      auto it = by_stem.find(stem);
      MGST_CHECK(it != by_stem.end(),
                 path << ": no mask named " << stem << ".(png|jpg|bmp) in " << masks);
      mask = it->second;
    }
    out.items.push_back({{path, mask}, stem});
  }
  return out;
}

}  // namespace mgst::data
