//! Diagnostics: every problem found in the metadata, located by file, line, column and element path.

use std::fmt;

/// How bad a diagnostic is. Errors stop generation; warnings are printed and generation goes on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// Something was passed over (an unknown element or attribute, a vendor extension).
    Warning,
    /// The metadata is wrong; no output is produced from it.
    Error,
}

impl Severity {
    /// `"error"` or `"warning"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// One located problem.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// The file name the caller gave the source.
    pub file: String,
    /// 1-based line.
    pub line: u32,
    /// 1-based column, counted in characters.
    pub column: u32,
    /// Element path, e.g. `Schema[microsoft.graph]/EntityType[user]/Property[id]`.
    pub path: String,
    /// Plain statement of what is wrong.
    pub message: String,
    /// The source line the diagnostic points into (without its line break).
    pub source_line: String,
}

impl Diagnostic {
    /// A diagnostic about a model item rather than a place in a file (a decision of a later
    /// stage); it is shown without a location.
    pub fn unlocated(severity: Severity, path: impl Into<String>, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity,
            file: String::new(),
            line: 0,
            column: 0,
            path: path.into(),
            message: message.into(),
            source_line: String::new(),
        }
    }

    /// True for [`Severity::Error`].
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Diagnostic {
    /// Renders the diagnostic with the source line and a caret under the column.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.severity.as_str(), self.message)?;
        if self.file.is_empty() {
            // Not tied to a place in a file (a decision of a later stage about a model item).
            return Ok(());
        }
        write!(f, "\n  --> {}:{}:{}", self.file, self.line, self.column)?;
        if !self.path.is_empty() {
            write!(f, " ({})", self.path)?;
        }
        if !self.source_line.is_empty() {
            let gutter = self.line.to_string().len();
            // Long lines are cut around the column so the caret stays readable.
            let (shown, caret_at) = clip_line(&self.source_line, self.column as usize);
            write!(
                f,
                "\n{:gutter$} |\n{} | {}\n{:gutter$} | {:>caret$}",
                "",
                self.line,
                shown,
                "",
                "^",
                caret = caret_at
            )?;
        }
        Ok(())
    }
}

fn clip_line(line: &str, column: usize) -> (String, usize) {
    const WIDTH: usize = 100;
    let chars: Vec<char> = line.chars().collect();
    let column = column.max(1);
    if chars.len() <= WIDTH {
        return (line.to_string(), column);
    }
    let start = column.saturating_sub(WIDTH / 2).min(chars.len().saturating_sub(WIDTH));
    let end = (start + WIDTH).min(chars.len());
    let mut shown: String = chars[start..end].iter().collect();
    let mut caret = column - start;
    if start > 0 {
        shown.insert_str(0, "...");
        caret += 3;
    }
    if end < chars.len() {
        shown.push_str("...");
    }
    (shown, caret)
}

/// A source text with a lazily built index of line starts, to turn byte offsets into
/// line and column only when a diagnostic needs them.
///
/// Offsets are global: a source read as one of several documents starts at a `base` offset
/// (see [`Sources`]), so one offset type locates an element in any of them. A UTF-8 byte order
/// mark is not part of the text: it is skipped, and columns count from the character after it.
#[derive(Debug)]
pub struct Source<'a> {
    name: String,
    text: &'a [u8],
    base: usize,
    line_starts: std::cell::OnceCell<Vec<usize>>,
}

/// The UTF-8 byte order mark.
pub const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

impl<'a> Source<'a> {
    /// A named source whose offsets start at 0.
    pub fn new(name: &str, text: &'a [u8]) -> Self {
        Source::with_base(name, text, 0)
    }

    /// A named source whose first byte (after a byte order mark) is at offset `base`.
    pub fn with_base(name: &str, text: &'a [u8], base: usize) -> Self {
        let text = text.strip_prefix(UTF8_BOM).unwrap_or(text);
        Source { name: name.to_string(), text, base, line_starts: std::cell::OnceCell::new() }
    }

    /// The file name given to [`Source::new`].
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The global offset of the text's first byte.
    pub fn base(&self) -> usize {
        self.base
    }

    /// The text, without a byte order mark.
    pub fn bytes(&self) -> &'a [u8] {
        self.text
    }

    fn starts(&self) -> &[usize] {
        self.line_starts.get_or_init(|| {
            let mut v = vec![0];
            v.extend(memchr::memchr_iter(b'\n', self.text).map(|i| i + 1));
            v
        })
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, offset: usize) -> (u32, u32) {
        let offset = offset.saturating_sub(self.base).min(self.text.len());
        let starts = self.starts();
        let line = starts.partition_point(|&s| s <= offset).max(1);
        let start = starts[line - 1];
        let before = &self.text[start..offset];
        let column = String::from_utf8_lossy(before).chars().count() + 1;
        (line as u32, column as u32)
    }

    fn line_text(&self, line: u32) -> String {
        let starts = self.starts();
        let Some(&start) = starts.get(line as usize - 1) else {
            return String::new();
        };
        let end = starts.get(line as usize).map_or(self.text.len(), |&e| e - 1);
        let text = String::from_utf8_lossy(&self.text[start..end.max(start)]);
        text.trim_end_matches('\r').replace('\t', " ")
    }

    /// Builds a located diagnostic.
    pub fn diagnostic(
        &self,
        severity: Severity,
        offset: usize,
        path: impl Into<String>,
        message: impl Into<String>,
    ) -> Diagnostic {
        let (line, column) = self.line_col(offset);
        Diagnostic {
            severity,
            file: self.name.to_string(),
            line,
            column,
            path: path.into(),
            message: message.into(),
            source_line: self.line_text(line),
        }
    }
}

/// Several sources that share one offset space: each starts where the previous one ended, so
/// an offset stored in the model names its document too.
#[derive(Debug, Default)]
pub struct Sources<'a> {
    list: Vec<Source<'a>>,
    end: usize,
}

impl<'a> Sources<'a> {
    /// Adds a document; its offsets start after those of the documents added before.
    pub fn push(&mut self, name: &str, text: &'a [u8]) {
        let source = Source::with_base(name, text, self.end);
        // One byte of room between documents, so the offset just past the end of one (where a
        // truncated document is reported) is not the first byte of the next.
        self.end += source.bytes().len() + 1;
        self.list.push(source);
    }

    /// The documents in the order they were added.
    pub fn iter(&self) -> std::slice::Iter<'_, Source<'a>> {
        self.list.iter()
    }

    /// How many documents there are.
    pub fn len(&self) -> usize {
        self.list.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    /// The document an offset falls in.
    pub fn at(&self, offset: usize) -> Option<&Source<'a>> {
        let i = self.list.partition_point(|s| s.base <= offset);
        self.list.get(i.checked_sub(1)?)
    }

    /// Which document (its index in the order added) an offset falls in.
    pub fn index_of(&self, offset: usize) -> usize {
        self.list.partition_point(|s| s.base <= offset).saturating_sub(1)
    }

    /// Builds a located diagnostic in whichever document holds `offset`.
    pub fn diagnostic(
        &self,
        severity: Severity,
        offset: usize,
        path: impl Into<String>,
        message: impl Into<String>,
    ) -> Diagnostic {
        match self.at(offset) {
            Some(s) => s.diagnostic(severity, offset, path, message),
            None => Diagnostic::unlocated(severity, path, message),
        }
    }

    /// `line:column` of `offset` for a message about `from` ("first declared at ..."), with the
    /// file in front when the two are in different documents.
    pub fn place(&self, offset: usize, from: usize) -> String {
        let Some(s) = self.at(offset) else { return String::new() };
        let (l, c) = s.line_col(offset);
        if self.index_of(offset) == self.index_of(from) {
            format!("{l}:{c}")
        } else {
            format!("{}:{l}:{c}", s.name)
        }
    }
}

/// Diagnostics collected over one run, in the order they were found.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    /// True when any diagnostic is an error.
    pub fn has_errors(&self) -> bool {
        self.0.iter().any(Diagnostic::is_error)
    }

    /// Number of errors.
    pub fn error_count(&self) -> usize {
        self.0.iter().filter(|d| d.is_error()).count()
    }

    /// Number of warnings.
    pub fn warning_count(&self) -> usize {
        self.0.len() - self.error_count()
    }

    /// Adds one diagnostic.
    pub fn push(&mut self, d: Diagnostic) {
        self.0.push(d);
    }

    /// Iterates over all diagnostics.
    pub fn iter(&self) -> std::slice::Iter<'_, Diagnostic> {
        self.0.iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_and_column_count_characters() {
        let src = Source::new("a.xml", "ab\n\u{e9}x<y\n".as_bytes());
        assert_eq!(src.line_col(0), (1, 1));
        assert_eq!(src.line_col(3), (2, 1));
        // 'é' is two bytes but one column.
        assert_eq!(src.line_col(6), (2, 3));
        let d = src.diagnostic(Severity::Error, 6, "P", "bad");
        assert_eq!(d.source_line, "\u{e9}x<y");
        let shown = d.to_string();
        assert!(shown.contains("a.xml:2:3 (P)"), "{shown}");
        assert!(shown.ends_with("|   ^"), "{shown}");
    }
}
