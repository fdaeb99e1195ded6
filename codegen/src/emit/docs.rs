//! Doc comments from metadata text: one `#[doc]` line per line, safe for rustdoc (URLs in
//! `<...>`, brackets escaped, nothing that could become a doctest).

use proc_macro2::TokenStream;
use quote::quote;

/// Cleans one line of free text for rustdoc.
pub fn sanitize_line(line: &str) -> String {
    let line = line.trim();
    let mut out = String::with_capacity(line.len() + 8);
    for (i, word) in line.split(' ').enumerate() {
        if i > 0 {
            out.push(' ');
        }
        let is_url = word.starts_with("http://") || word.starts_with("https://");
        if is_url {
            let trimmed = word.trim_end_matches(['.', ',', ';', ')', ']']);
            let tail = &word[trimmed.len()..];
            out.push('<');
            out.push_str(trimmed);
            out.push('>');
            out.push_str(&escape(tail));
        } else {
            out.push_str(&escape(word));
        }
    }
    out
}

fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '[' | ']' | '*' | '_' | '`' | '<' | '>' | '#' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    out
}

/// `#[doc = " ..."]` attributes, one per line; paragraphs separated by empty doc lines.
pub fn attrs(paragraphs: &[String]) -> TokenStream {
    let mut lines: Vec<String> = Vec::new();
    for p in paragraphs.iter().filter(|p| !p.trim().is_empty()) {
        if !lines.is_empty() {
            lines.push(String::new());
        }
        lines.extend(p.lines().map(|l| l.to_string()));
    }
    let lines = lines.iter().map(|l| if l.is_empty() { String::new() } else { format!(" {l}") });
    quote! { #( #[doc = #lines] )* }
}

/// Free text (a description) turned into sanitized lines.
pub fn text(description: &str) -> String {
    description.lines().map(sanitize_line).collect::<Vec<_>>().join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_safe_for_rustdoc() {
        assert_eq!(sanitize_line("See https://aka.ms/x. Use [a]_b"), "See <https://aka.ms/x>. Use \\[a\\]\\_b");
        assert_eq!(sanitize_line("    fn main() {}"), "fn main() {}");
        assert_eq!(text("a\n  b"), "a\nb");
    }
}
