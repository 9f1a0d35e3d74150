//! What the plugins add to HTML pages: one `<style>` and one `<script>` per plugin, inlined
//! into the chapter (no files to install in a book, nothing loaded from a CDN).
//!
//! The preview widget (hover, keyboard focus, tap) is shared: terms and citations behave the
//! same way because they run the same code. Each plugin's script only says what to preview.

/// The shared preview widget; defines `window.livingrefPreview` once per page.
pub const PREVIEW_JS: &str = include_str!("../assets/preview.js");
/// The shared preview's look.
pub const PREVIEW_CSS: &str = include_str!("../assets/preview.css");

/// The HTML block a plugin appends to a page: the shared widget, then its own style and
/// script. The leading `/* mdbook-NAME */` comment names the block.
pub fn inline(plugin: &str, css: &str, js: &str) -> String {
    let mut out =
        String::with_capacity(PREVIEW_CSS.len() + PREVIEW_JS.len() + css.len() + js.len() + 64);
    out.push_str("<style>\n/* mdbook-");
    out.push_str(plugin);
    out.push_str(" */\n");
    out.push_str(PREVIEW_CSS);
    out.push_str(css);
    out.push_str("</style>\n<script>\n");
    out.push_str(PREVIEW_JS);
    out.push_str(js);
    out.push_str("</script>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_block_holds_no_blank_line_before_the_script() {
        let block = inline("terms", "a { }\n", "run();\n");
        assert!(block.starts_with("<style>\n/* mdbook-terms */\n.livingref-preview"));
        assert!(block.ends_with("run();\n</script>\n"));
        // A blank line would end an HTML block and let Markdown parse the CSS.
        let style = &block[..block.find("</style>").unwrap()];
        assert!(!style.contains("\n\n"), "{style}");
    }
}
