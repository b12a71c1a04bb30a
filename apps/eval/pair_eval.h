// `mgst eval`: METHOD.md's loss terms and region colour statistics of one
// content/style pair, as the JSON object the command prints. This is how
// independent implementations are compared with ours.
#pragma once
#include "apps/data/dataset.h"
#include "core/io/json.h"
#include "losses/objective.h"
#include "models/transform_net.h"
#include "models/vgg19.h"

namespace mgst::eval {

// `net` null: the identity y = x. Keys: content, style, task, tv, total,
// style_per_layer, stats (output/input/style x att/bkgd), size, vgg.
Json eval_pair(const data::Sample& content, const data::Sample& style,
               const models::TransformNet* net, const models::Vgg19& vgg,
               const losses::LossConfig& loss, Device device);

}  // namespace mgst::eval
