// A self-contained HTML page in the report's style (and its browser self-check), for pages other modules compose.
#pragma once

#include <string>

namespace aifabric {

// `title` in the browser's tab; `heading` and `subtitle` in the page's header; `body` the page's sections (HTML).
std::string html_document(const std::string& title, const std::string& heading, const std::string& subtitle, const std::string& body);

// A figure for the self-check: `svg` with a caption, named `name` (figure.plot[data-plot]).
std::string html_figure(const std::string& name, const std::string& svg, const std::string& caption_html);

}  // namespace aifabric
