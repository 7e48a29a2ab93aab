// Renderings of the size report: JSON (the contract's keys), aligned text, Markdown tables and a
// self-contained HTML page with a treemap of the visible tree.
#include "inspect/report.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <string_view>
#include <unordered_map>

namespace hubtel::inspect {
namespace {

using json = nlohmann::ordered_json;

json optional_bytes(const std::optional<std::uint64_t>& bytes) {
  return bytes ? json(*bytes) : json(nullptr);
}

// "1 layer", "3 layers".
std::string layers_count(std::size_t count, std::string_view kind = "") {
  return fmt::format("{} {}layer{}", count, kind, count == 1 ? "" : "s");
}

std::string percent(double ratio) {
  return fmt::format("{:.1f}%", ratio * 100.0);
}

double ratio(std::uint64_t part, std::uint64_t whole) {
  return whole == 0 ? 0.0 : static_cast<double>(part) / static_cast<double>(whole);
}

std::string short_digest(const std::string& digest) {
  const auto colon = digest.find(':');
  return colon == std::string::npos ? digest.substr(0, 12) : digest.substr(colon + 1, 12);
}

// created_by as shown in a table cell: one line, the engine's shell prefix dropped.
std::string step(std::string text, std::size_t width) {
  for (const std::string_view prefix : {"/bin/sh -c #(nop) ", "/bin/sh -c "}) {
    if (text.starts_with(prefix)) {
      text.erase(0, prefix.size());
      break;
    }
  }
  std::replace_if(
      text.begin(), text.end(), [](char c) { return c == '\n' || c == '\t' || c == '\r'; }, ' ');
  if (width != 0 && text.size() > width) {
    text.resize(width - 3);
    text += "...";
  }
  return text;
}

std::string platform(const SizeReport& report) {
  if (report.architecture.empty()) {
    return "unknown platform";
  }
  return report.os.empty() ? report.architecture : report.os + "/" + report.architecture;
}

std::string escape_html(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string escape_markdown(std::string_view text) {
  std::string out;
  for (const char c : text) {
    if (c == '|' || c == '\\' || c == '`' || c == '*' || c == '_' || c == '<' || c == '>' ||
        c == '[' || c == ']') {
      out += '\\';
    }
    out += c;
  }
  return out;
}

// "+2.0 KiB", "-50 B", "0 B": after - before, exact whatever the sizes.
std::string human_delta(std::uint64_t before, std::uint64_t after) {
  if (after == before) {
    return "0 B";
  }
  return after > before ? "+" + human_bytes(after - before) : "-" + human_bytes(before - after);
}

json totals_json(const ChangeTotals& totals, std::string_view count_key) {
  json out;
  out[std::string(count_key)] = totals.files;
  out["bytes_before"] = totals.bytes_before;
  out["bytes_after"] = totals.bytes_after;
  out["bytes_delta"] = signed_delta(totals.bytes_before, totals.bytes_after);
  return out;
}

json compare_json(const Comparison& compare) {
  json out;
  out["source"] = compare.source;
  out["total_bytes_before"] = compare.total_bytes_before;
  out["total_bytes_after"] = compare.total_bytes_after;
  out["total_bytes_delta"] = signed_delta(compare.total_bytes_before, compare.total_bytes_after);
  out["added"] = totals_json(compare.added, "files");
  out["removed"] = totals_json(compare.removed, "files");
  out["changed"] = totals_json(compare.changed, "files");
  out["unchanged"] = totals_json(compare.unchanged, "files");
  out["rewritten"] = totals_json(compare.rewritten, "files");
  out["layers_shared"] = totals_json(compare.layers_shared, "layers");
  out["layers_added"] = totals_json(compare.layers_added, "layers");
  out["layers_removed"] = totals_json(compare.layers_removed, "layers");
  json layers = json::array();
  for (const auto& layer : compare.layers) {
    json row;
    row["change"] = change_name(layer.change);
    row["index"] = layer.index ? json(*layer.index) : json(nullptr);
    row["index_before"] = layer.index_before ? json(*layer.index_before) : json(nullptr);
    row["digest"] = layer.digest;
    row["diff_id"] = layer.diff_id.empty() ? json(nullptr) : json(layer.diff_id);
    row["bytes"] = layer.bytes;
    row["created_by"] = layer.created_by;
    layers.push_back(std::move(row));
  }
  out["layers"] = std::move(layers);
  json paths = json::array();
  for (const auto& path : compare.paths) {
    json row;
    row["path"] = path.path;
    row["bytes_before"] = path.bytes_before;
    row["bytes_after"] = path.bytes_after;
    row["bytes_delta"] = signed_delta(path.bytes_before, path.bytes_after);
    row["change"] = change_name(path.change);
    paths.push_back(std::move(row));
  }
  out["paths"] = std::move(paths);
  return out;
}

// "1 added (+500 B)": a kind of file change in the summary lines.
std::string files_line(const Comparison& compare) {
  return fmt::format(
      "{} added ({}), {} removed ({}), {} changed in size ({}), {} unchanged, {} of the same size "
      "from other layers",
      compare.added.files, human_delta(compare.added.bytes_before, compare.added.bytes_after),
      compare.removed.files, human_delta(compare.removed.bytes_before, compare.removed.bytes_after),
      compare.changed.files, human_delta(compare.changed.bytes_before, compare.changed.bytes_after),
      compare.unchanged.files, compare.rewritten.files);
}

std::string layers_line(const Comparison& compare) {
  return fmt::format("{} shared, {} added ({}), {} removed ({})", compare.layers_shared.files,
                     compare.layers_added.files, human_delta(0, compare.layers_added.bytes_after),
                     compare.layers_removed.files,
                     human_delta(compare.layers_removed.bytes_before, 0));
}

std::string optional_index(const std::optional<std::size_t>& index) {
  return index ? std::to_string(*index) : std::string("-");
}

// ----- the treemap (squarified, Bruls et al.), laid out here so the page needs no script -----

struct Rect {
  double x, y, w, h;
};

struct Painter {
  std::string svg;
  int top_index = 0;
  // Paths a comparison found added or grown: their boxes are outlined.
  std::unordered_map<std::string, PathChange> marks;

  static double worst(const std::vector<double>& row, double side) {
    const double sum = std::accumulate(row.begin(), row.end(), 0.0);
    const auto [low, high] = std::minmax_element(row.begin(), row.end());
    const double s2 = side * side;
    return std::max(s2 * *high / (sum * sum), (sum * sum) / (s2 * *low));
  }

  // Places areas (descending) into r; returns one rectangle per area.
  static std::vector<Rect> squarify(const std::vector<double>& areas, Rect r) {
    std::vector<Rect> out;
    std::vector<double> row;
    std::size_t i = 0;
    auto lay_row = [&] {
      const double sum = std::accumulate(row.begin(), row.end(), 0.0);
      if (r.w >= r.h) {
        const double width = r.h > 0 ? sum / r.h : 0;
        double y = r.y;
        for (const double a : row) {
          const double height = width > 0 ? a / width : 0;
          out.push_back({r.x, y, width, height});
          y += height;
        }
        r.x += width;
        r.w -= width;
      } else {
        const double height = r.w > 0 ? sum / r.w : 0;
        double x = r.x;
        for (const double a : row) {
          const double width = height > 0 ? a / height : 0;
          out.push_back({x, r.y, width, height});
          x += width;
        }
        r.y += height;
        r.h -= height;
      }
      row.clear();
    };
    while (i < areas.size()) {
      const double side = std::min(r.w, r.h);
      if (areas[i] <= 0) {
        out.push_back({r.x, r.y, 0, 0});
        ++i;
        continue;
      }
      auto candidate = row;
      candidate.push_back(areas[i]);
      if (row.empty() || worst(candidate, side) <= worst(row, side)) {
        row.push_back(areas[i]);
        ++i;
      } else {
        lay_row();
      }
    }
    if (!row.empty()) {
      lay_row();
    }
    return out;
  }

  void paint(const TreeNode& node, const std::string& path, Rect r, int depth, int hue) {
    if (r.w < 1 || r.h < 1) {
      return;
    }
    const auto light = std::min(88, 42 + depth * 9);
    const auto label = path.empty() ? std::string("/") : path;
    const auto mark = marks.find(label);
    const auto mark_class = mark == marks.end()
                                ? std::string()
                                : fmt::format(" class=\"{}\"", change_name(mark->second));
    svg += fmt::format(
        "<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{:.1f}\" "
        "fill=\"hsl({},55%,{}%)\"{} data-path=\"{}\" data-bytes=\"{}\"><title>{} — "
        "{}{}</title></rect>\n",
        r.x, r.y, r.w, r.h, hue, light, mark_class, escape_html(label), node.bytes,
        escape_html(label), human_bytes(node.bytes),
        mark == marks.end() ? std::string() : fmt::format(" ({})", change_name(mark->second)));
    const bool titled = r.w > 48 && r.h > 16;
    if (titled) {
      const auto chars = static_cast<std::size_t>((r.w - 6) / 6.5);
      auto text = node.name;
      if (text.size() > chars) {
        text = chars > 1 ? text.substr(0, chars - 1) + "…" : std::string();
      }
      svg += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\">{}</text>\n", r.x + 3, r.y + 11,
                         escape_html(text));
    }
    if (node.children.empty() || node.bytes == 0 || r.w < 8 || r.h < 20) {
      return;
    }
    const Rect inner{r.x + 2, r.y + (titled ? 14 : 2), r.w - 4, r.h - (titled ? 16 : 4)};
    if (inner.w < 2 || inner.h < 2) {
      return;
    }
    std::vector<double> areas;
    const double scale = inner.w * inner.h / static_cast<double>(node.bytes);
    for (const auto& child : node.children) {
      areas.push_back(static_cast<double>(child.bytes) * scale);
    }
    const auto rects = squarify(areas, inner);
    for (std::size_t i = 0; i < node.children.size(); ++i) {
      const auto& child = node.children[i];
      const int child_hue = depth == 0 ? (top_index++ * 47) % 360 : hue;
      paint(child, path + "/" + child.name, rects[i], depth + 1, child_hue);
    }
  }
};

}  // namespace

std::string human_bytes(std::uint64_t bytes) {
  if (bytes < 1024) {
    return fmt::format("{} B", bytes);
  }
  static constexpr const char* units[] = {"KiB", "MiB", "GiB", "TiB", "PiB"};
  double value = static_cast<double>(bytes) / 1024.0;
  std::size_t unit = 0;
  while (value >= 1024.0 && unit + 1 < std::size(units)) {
    value /= 1024.0;
    ++unit;
  }
  return fmt::format("{:.1f} {}", value, units[unit]);
}

nlohmann::ordered_json to_json(const SizeReport& report) {
  json out;
  out["source"] = report.source;
  out["architecture"] = report.architecture;
  out["os"] = report.os;
  out["total_bytes"] = report.total_bytes;
  out["visible_bytes"] = report.visible_bytes;
  out["wasted_bytes"] = report.wasted_bytes;
  out["efficiency"] = report.efficiency;
  out["compressed_bytes"] = optional_bytes(report.compressed_bytes);
  out["user_wasted_bytes"] = report.user_wasted_bytes;
  if (report.has_base) {
    out["base_layers"] = report.base_layers;
    out["base_bytes"] = report.base_bytes;
    out["added_bytes"] = report.added_bytes;
  }
  json layers = json::array();
  for (const auto& layer : report.layers) {
    json row;
    row["index"] = layer.index;
    row["digest"] = layer.digest;
    row["diff_id"] = layer.diff_id.empty() ? json(nullptr) : json(layer.diff_id);
    row["bytes"] = layer.bytes;
    row["compressed_bytes"] = optional_bytes(layer.compressed_bytes);
    row["files"] = layer.files;
    row["created_by"] = layer.created_by;
    row["wasted_bytes"] = layer.wasted_bytes;
    if (report.has_base) {
      row["base"] = layer.base;
    }
    layers.push_back(std::move(row));
  }
  out["layers"] = std::move(layers);
  json paths = json::array();
  for (const auto& path : report.largest_paths) {
    paths.push_back({{"path", path.path}, {"bytes", path.bytes}});
  }
  out["largest_paths"] = std::move(paths);
  if (report.compare) {
    out["compare"] = compare_json(*report.compare);
  }
  return out;
}

std::string format_text(const SizeReport& report, bool colour) {
  const auto paint = [colour](std::string_view code, const std::string& text) {
    return colour ? fmt::format("\x1b[{}m{}\x1b[0m", code, text) : text;
  };
  const auto wasted_colour = report.efficiency >= 0.95  ? "32"
                             : report.efficiency >= 0.8 ? "33"
                                                        : "31";
  std::string out;
  out += fmt::format("{} {} ({})\n", paint("1", "image"), report.source, platform(report));
  out += fmt::format("  total       {:>10}  ({} bytes in {})\n", human_bytes(report.total_bytes),
                     report.total_bytes, layers_count(report.layers.size()));
  out += fmt::format("  visible     {:>10}  ({} bytes)\n", human_bytes(report.visible_bytes),
                     report.visible_bytes);
  out += fmt::format("  wasted      {}  ({} bytes, {} of the total)\n",
                     paint(wasted_colour, fmt::format("{:>10}", human_bytes(report.wasted_bytes))),
                     report.wasted_bytes, percent(ratio(report.wasted_bytes, report.total_bytes)));
  out += fmt::format("  efficiency  {:>10}\n", percent(report.efficiency));
  if (report.compressed_bytes) {
    out += fmt::format(
        "  stored      {:>10}  ({} bytes of layer blobs, as stored: compressed or not)\n",
        human_bytes(*report.compressed_bytes), *report.compressed_bytes);
  }
  if (report.has_base) {
    out += fmt::format("  base        {:>10}  ({} bytes in {})\n", human_bytes(report.base_bytes),
                       report.base_bytes, layers_count(report.base_layers, "shared "));
    out += fmt::format("  added       {}  ({} bytes in {})\n",
                       paint("1", fmt::format("{:>10}", human_bytes(report.added_bytes))),
                       report.added_bytes, layers_count(report.layers.size() - report.base_layers));
  }
  out += fmt::format("\n{}\n", paint("1", "layers"));
  out += fmt::format("  {:>3}  {:>10}  {:>10}  {:>7}  {:>10}  {:<12}  {}\n", "#", "bytes", "stored",
                     "files", "wasted", "digest", "created by");
  for (const auto& layer : report.layers) {
    out += fmt::format("  {:>3}  {:>10}  {:>10}  {:>7}  {:>10}  {:<12}  {}{}\n", layer.index,
                       human_bytes(layer.bytes),
                       layer.compressed_bytes ? human_bytes(*layer.compressed_bytes) : "-",
                       layer.files, human_bytes(layer.wasted_bytes), short_digest(layer.digest),
                       layer.base ? "(base) " : "", step(layer.created_by, 60));
  }
  out += fmt::format("\n{}\n", paint("1", "largest paths"));
  for (const auto& path : report.largest_paths) {
    out += fmt::format("  {:>10}  {}\n", human_bytes(path.bytes), path.path);
  }
  if (report.compare) {
    const auto& compare = *report.compare;
    const auto growth_colour = [](std::uint64_t before, std::uint64_t after) {
      return after > before ? "31" : after < before ? "32" : "0";
    };
    out += fmt::format("\n{} {}\n", paint("1", "compared with"), compare.source);
    out += fmt::format("  total       {}  ({} -> {} bytes)\n",
                       paint(growth_colour(compare.total_bytes_before, compare.total_bytes_after),
                             fmt::format("{:>10}", human_delta(compare.total_bytes_before,
                                                               compare.total_bytes_after))),
                       compare.total_bytes_before, compare.total_bytes_after);
    out += fmt::format("  layers      {}\n", layers_line(compare));
    out += fmt::format("  files       {}\n", files_line(compare));
    out += fmt::format("\n{}\n", paint("1", "layers compared"));
    out += fmt::format("  {:<7}  {:>3}  {:>6}  {:>10}  {:<12}  {}\n", "change", "#", "before",
                       "bytes", "digest", "created by");
    for (const auto& layer : compare.layers) {
      out += fmt::format("  {:<7}  {:>3}  {:>6}  {:>10}  {:<12}  {}\n", change_name(layer.change),
                         optional_index(layer.index), optional_index(layer.index_before),
                         human_bytes(layer.bytes), short_digest(layer.digest),
                         step(layer.created_by, 60));
    }
    out += fmt::format("\n{}\n", paint("1", "largest changes"));
    for (const auto& path : compare.paths) {
      out += fmt::format(
          "  {}  {:<7}  {}  ({} -> {} bytes)\n",
          paint(growth_colour(path.bytes_before, path.bytes_after),
                fmt::format("{:>10}", human_delta(path.bytes_before, path.bytes_after))),
          change_name(path.change), path.path, path.bytes_before, path.bytes_after);
    }
  }
  return out;
}

std::string format_markdown(const SizeReport& report) {
  std::string out;
  out += fmt::format("## Image size: {}\n\n", escape_markdown(report.source));
  out += "| | bytes | |\n|---|---:|---|\n";
  out += fmt::format("| total | {} | {} in {} layers |\n", report.total_bytes,
                     human_bytes(report.total_bytes), report.layers.size());
  out += fmt::format("| visible | {} | {} |\n", report.visible_bytes,
                     human_bytes(report.visible_bytes));
  out +=
      fmt::format("| wasted | {} | {} |\n", report.wasted_bytes, human_bytes(report.wasted_bytes));
  out += fmt::format("| efficiency | | {} |\n", percent(report.efficiency));
  if (report.compressed_bytes) {
    out += fmt::format("| stored (layer blobs) | {} | {} |\n", *report.compressed_bytes,
                       human_bytes(*report.compressed_bytes));
  }
  if (report.has_base) {
    out += fmt::format("| base | {} | {} in {} layers |\n", report.base_bytes,
                       human_bytes(report.base_bytes), report.base_layers);
    out +=
        fmt::format("| added | {} | {} |\n", report.added_bytes, human_bytes(report.added_bytes));
  }
  out += fmt::format("\nArchitecture: {}\n\n### Layers\n\n", escape_markdown(platform(report)));
  out += "| # | bytes | stored | files | wasted | digest | created by |\n";
  out += "|---:|---:|---:|---:|---:|---|---|\n";
  for (const auto& layer : report.layers) {
    out += fmt::format("| {} | {} | {} | {} | {} | `{}` | {}{} |\n", layer.index,
                       human_bytes(layer.bytes),
                       layer.compressed_bytes ? human_bytes(*layer.compressed_bytes) : "-",
                       layer.files, human_bytes(layer.wasted_bytes), short_digest(layer.digest),
                       layer.base ? "(base) " : "", escape_markdown(step(layer.created_by, 0)));
  }
  out += "\n### Largest paths\n\n| bytes | path |\n|---:|---|\n";
  for (const auto& path : report.largest_paths) {
    out += fmt::format("| {} | {} |\n", human_bytes(path.bytes), escape_markdown(path.path));
  }
  if (report.compare) {
    const auto& compare = *report.compare;
    out += fmt::format("\n### Compared with {}\n\n", escape_markdown(compare.source));
    out += "| | files | before | after | change |\n|---|---:|---:|---:|---:|\n";
    out += fmt::format("| total bytes | | {} | {} | {} |\n", compare.total_bytes_before,
                       compare.total_bytes_after,
                       human_delta(compare.total_bytes_before, compare.total_bytes_after));
    const auto totals_row = [&](std::string_view name, const ChangeTotals& totals) {
      out += fmt::format("| {} | {} | {} | {} | {} |\n", name, totals.files, totals.bytes_before,
                         totals.bytes_after, human_delta(totals.bytes_before, totals.bytes_after));
    };
    totals_row("added", compare.added);
    totals_row("removed", compare.removed);
    totals_row("changed in size", compare.changed);
    totals_row("unchanged", compare.unchanged);
    totals_row("of the same size from other layers", compare.rewritten);
    out += fmt::format("\nLayers: {}\n\n", layers_line(compare));
    out += "| change | # | before | bytes | digest | created by |\n";
    out += "|---|---:|---:|---:|---|---|\n";
    for (const auto& layer : compare.layers) {
      out += fmt::format("| {} | {} | {} | {} | `{}` | {} |\n", change_name(layer.change),
                         optional_index(layer.index), optional_index(layer.index_before),
                         human_bytes(layer.bytes), short_digest(layer.digest),
                         escape_markdown(step(layer.created_by, 0)));
    }
    out += "\n#### Largest changes\n\n| change | bytes | before | after | path |\n";
    out += "|---|---:|---:|---:|---|\n";
    for (const auto& path : compare.paths) {
      out += fmt::format("| {} | {} | {} | {} | {} |\n", change_name(path.change),
                         human_delta(path.bytes_before, path.bytes_after), path.bytes_before,
                         path.bytes_after, escape_markdown(path.path));
    }
  }
  return out;
}

std::string format_html(const SizeReport& report) {
  constexpr double width = 960;
  constexpr double height = 600;
  Painter painter;
  if (report.compare) {
    for (const auto& path : report.compare->paths) {
      if (path.change == PathChange::added || path.change == PathChange::grown) {
        painter.marks.emplace(path.path, path.change);
      }
    }
  }
  painter.paint(report.tree, "", {0, 0, width, height}, 0, 210);

  std::string rows;
  for (const auto& layer : report.layers) {
    rows += fmt::format(
        "<tr{}><td>{}</td><td title=\"{} bytes\">{}</td><td>{}</td><td>{}</td><td>{}</td>"
        "<td><code title=\"{}\">{}</code></td><td>{}</td></tr>\n",
        layer.base ? " class=\"base\"" : "", layer.index, layer.bytes, human_bytes(layer.bytes),
        layer.compressed_bytes ? human_bytes(*layer.compressed_bytes) : "-", layer.files,
        human_bytes(layer.wasted_bytes), escape_html(layer.digest),
        escape_html(short_digest(layer.digest)), escape_html(step(layer.created_by, 80)));
  }
  std::string paths;
  for (const auto& path : report.largest_paths) {
    paths += fmt::format("<tr><td>{}</td><td>{}</td></tr>\n", human_bytes(path.bytes),
                         escape_html(path.path));
  }
  std::string base;
  if (report.has_base) {
    base = fmt::format("<dt>base</dt><dd>{} ({} layers)</dd><dt>added</dt><dd>{}</dd>",
                       human_bytes(report.base_bytes), report.base_layers,
                       human_bytes(report.added_bytes));
  }
  std::string compared;
  std::string legend;
  if (report.compare) {
    const auto& compare = *report.compare;
    legend =
        "\n<p class=\"legend\">outlined: <mark class=\"added\">added</mark> and "
        "<mark class=\"grown\">grown</mark> files among the largest changes</p>";
    std::string layer_rows;
    for (const auto& layer : compare.layers) {
      layer_rows += fmt::format(
          "<tr class=\"{}\"><td>{}</td><td>{}</td><td>{}</td><td title=\"{} bytes\">{}</td>"
          "<td><code title=\"{}\">{}</code></td><td>{}</td></tr>\n",
          change_name(layer.change), change_name(layer.change), optional_index(layer.index),
          optional_index(layer.index_before), layer.bytes, human_bytes(layer.bytes),
          escape_html(layer.digest), escape_html(short_digest(layer.digest)),
          escape_html(step(layer.created_by, 80)));
    }
    std::string path_rows;
    for (const auto& path : compare.paths) {
      path_rows += fmt::format(
          "<tr class=\"{0}\"><td><mark class=\"{0}\">{0}</mark></td><td>{1}</td>"
          "<td title=\"{2} bytes\">{3}</td><td title=\"{4} bytes\">{5}</td><td>{6}</td></tr>\n",
          change_name(path.change), human_delta(path.bytes_before, path.bytes_after),
          path.bytes_before, human_bytes(path.bytes_before), path.bytes_after,
          human_bytes(path.bytes_after), escape_html(path.path));
    }
    compared = fmt::format(
        R"(
<section id="compare">
<h2>Compared with {source}</h2>
<dl class="summary">
<dt>total</dt><dd>{total} ({before} → {after} bytes)</dd>
<dt>layers</dt><dd>{layers}</dd>
<dt>files</dt><dd>{files}</dd>
</dl>
<table id="compare-layers">
<thead><tr><th>change</th><th>#</th><th>before</th><th>bytes</th><th>digest</th><th>created by</th></tr></thead>
<tbody>
{layer_rows}</tbody>
</table>
<h3>Largest changes</h3>
<table id="compare-paths">
<thead><tr><th>change</th><th>bytes</th><th>before</th><th>after</th><th>path</th></tr></thead>
<tbody>
{path_rows}</tbody>
</table>
</section>)",
        fmt::arg("source", escape_html(compare.source)),
        fmt::arg("total", human_delta(compare.total_bytes_before, compare.total_bytes_after)),
        fmt::arg("before", compare.total_bytes_before),
        fmt::arg("after", compare.total_bytes_after),
        fmt::arg("layers", escape_html(layers_line(compare))),
        fmt::arg("files", escape_html(files_line(compare))), fmt::arg("layer_rows", layer_rows),
        fmt::arg("path_rows", path_rows));
  }
  return fmt::format(
      R"(<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Image size: {source}</title>
<style>
body {{ font: 14px/1.4 system-ui, sans-serif; margin: 1.5em; color: #222; }}
h1 {{ font-size: 1.3em; }}
.summary {{ display: flex; flex-wrap: wrap; gap: 0 2em; margin: 0 0 1em; }}
.summary dt {{ font-weight: 600; }}
.summary dd {{ margin: 0 0 .5em; }}
.panes {{ display: grid; grid-template-columns: repeat(auto-fit, minmax(min(100%, 42em), 1fr)); gap: 1.5em; }}
.panes > section {{ min-width: 0; overflow-x: auto; }}
svg {{ width: 100%; height: auto; border: 1px solid #ccc; }}
svg rect {{ stroke: #fff; stroke-width: .5; }}
svg rect:hover {{ stroke: #000; stroke-width: 1.5; }}
svg text {{ font-size: 10px; pointer-events: none; fill: #111; }}
table {{ border-collapse: collapse; width: 100%; margin-bottom: 1.5em; }}
th, td {{ padding: 2px 6px; border-bottom: 1px solid #ddd; text-align: right; }}
th, td {{ white-space: nowrap; }}
th:last-child, td:last-child {{ text-align: left; white-space: normal; overflow-wrap: anywhere; }}
tr.base {{ color: #777; }}
tr.shared {{ color: #777; }}
mark {{ padding: 0 .3em; border-radius: 3px; background: #eee; }}
mark.added {{ background: #f8c4c4; }}
mark.grown {{ background: #fbdca8; }}
mark.shrunk, mark.removed {{ background: #cdebc9; }}
svg rect.added {{ stroke: #c00; stroke-width: 2.5; }}
svg rect.grown {{ stroke: #d70; stroke-width: 2.5; }}
#hover {{ min-height: 1.4em; font-family: monospace; }}
</style>
</head>
<body>
<h1>Image size: {source}</h1>
<dl class="summary">
<dt>platform</dt><dd>{platform}</dd>
<dt>total</dt><dd>{total} ({total_bytes} bytes)</dd>
<dt>visible</dt><dd>{visible}</dd>
<dt>wasted</dt><dd>{wasted}</dd>
<dt>efficiency</dt><dd>{efficiency}</dd>
<dt>stored (layer blobs)</dt><dd>{compressed}</dd>{base}
</dl>
<div class="panes">
<section>
<h2>Visible files</h2>
<div id="hover">hover a box for its path and size</div>{legend}
<svg id="treemap" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" aria-label="treemap of the image's visible files">
{svg}</svg>
</section>
<section>
<h2>Layers</h2>
<table id="layers">
<thead><tr><th>#</th><th>bytes</th><th>stored</th><th>files</th><th>wasted</th><th>digest</th><th>created by</th></tr></thead>
<tbody>
{rows}</tbody>
</table>
<h2>Largest paths</h2>
<table id="paths">
<thead><tr><th>bytes</th><th>path</th></tr></thead>
<tbody>
{paths}</tbody>
</table>
</section>
</div>{compared}
<script>
(function () {{
  var hover = document.getElementById('hover');
  document.getElementById('treemap').addEventListener('mouseover', function (event) {{
    var path = event.target.getAttribute('data-path');
    if (path) {{
      hover.textContent = path + ' \u2014 ' + event.target.querySelector('title').textContent.split(' \u2014 ').pop();
    }}
  }});
  document.documentElement.setAttribute('data-marked',
    String(document.querySelectorAll('#treemap rect.added, #treemap rect.grown').length));
  document.documentElement.setAttribute('data-treemap', 'ready');
}})();
</script>
</body>
</html>
)",
      fmt::arg("source", escape_html(report.source)),
      fmt::arg("platform", escape_html(platform(report))),
      fmt::arg("total", human_bytes(report.total_bytes)),
      fmt::arg("total_bytes", report.total_bytes),
      fmt::arg("visible", human_bytes(report.visible_bytes)),
      fmt::arg("wasted", human_bytes(report.wasted_bytes)),
      fmt::arg("efficiency", percent(report.efficiency)),
      fmt::arg("compressed",
               report.compressed_bytes ? human_bytes(*report.compressed_bytes) : "unknown"),
      fmt::arg("base", base), fmt::arg("width", width), fmt::arg("height", height),
      fmt::arg("svg", painter.svg), fmt::arg("rows", rows), fmt::arg("paths", paths),
      fmt::arg("legend", legend), fmt::arg("compared", compared));
}

}  // namespace hubtel::inspect
