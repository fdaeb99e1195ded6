//! The CSDL XML reader: quick-xml events to the [`ast`](super::ast) syntax tree, by recursive
//! descent. Lenient where real services need it (unknown elements and attributes are warnings),
//! strict where safety needs it (no DOCTYPE entity declarations, no unknown entities).

use std::borrow::Cow;

use quick_xml::events::{BytesStart, Event};
use quick_xml::XmlVersion;

use super::ast::*;
use crate::diag::{Diagnostics, Severity, Source};

/// Reads a CSDL XML document. Returns the syntax tree when the XML could be read to its end
/// (even if some elements had errors) and every diagnostic found.
pub fn read<'s>(source: &Source<'s>) -> (Option<Document<'s>>, Diagnostics) {
    let mut diags = Diagnostics::default();
    if let Some(encoding) = utf16(source.bytes()) {
        diags.push(source.diagnostic(
            Severity::Error,
            source.base(),
            "",
            format!("the document is {encoding}: CSDL is read as UTF-8; convert it first (the xtask does so itself)"),
        ));
        return (None, diags);
    }
    let text = match std::str::from_utf8(source.bytes()) {
        Ok(t) => t,
        Err(e) => {
            let at = e.valid_up_to();
            diags.push(source.diagnostic(
                Severity::Error,
                source.base() + at,
                "",
                format!("invalid UTF-8 at byte {at}: CSDL documents must be UTF-8"),
            ));
            return (None, diags);
        }
    };
    let mut p = Parser {
        xml: quick_xml::Reader::from_str(text),
        text,
        src: source,
        base: source.base(),
        diags,
        path: Vec::new(),
        open: Vec::new(),
        attr_buf: Vec::new(),
    };
    p.xml.config_mut().check_end_names = true;
    let doc = p.document().ok();
    (doc, p.diags)
}

/// Reading stopped at a fatal error (already recorded as a diagnostic).
struct Fatal;

type Res<T> = Result<T, Fatal>;

struct Parser<'s, 'r> {
    xml: quick_xml::Reader<&'s [u8]>,
    text: &'s str,
    src: &'r Source<'s>,
    /// Global offset of the text's first byte (see [`Source::with_base`]).
    base: usize,
    diags: Diagnostics,
    /// Element path for diagnostics, e.g. `["Schema[ns]", "EntityType[t]"]`.
    path: Vec<(&'static str, Offset)>,
    /// Open elements (local name, offset) to explain a truncated document.
    open: Vec<(&'static str, Offset)>,
    /// Attribute list reused from element to element.
    attr_buf: Vec<(&'s str, Cow<'s, str>, bool)>,
}

/// One start tag, with its attributes not yet looked at.
struct Tag<'s> {
    start: BytesStart<'s>,
    /// The tag's text between `<` and `>` (or `/>`), borrowed from the source.
    raw: &'s str,
    /// The element name without its namespace prefix.
    local: &'s str,
    offset: Offset,
    empty: bool,
}

impl<'s> Tag<'s> {
    /// The element name without its namespace prefix, borrowed from the source.
    fn local(&self) -> &'s str {
        self.local
    }
}

/// Attributes of one element, each marked when used so the rest can be reported.
struct Attrs<'s> {
    element: &'s str,
    offset: Offset,
    list: Vec<(&'s str, Cow<'s, str>, bool)>,
}

impl<'s> Attrs<'s> {
    fn take(&mut self, name: &str) -> Option<Cow<'s, str>> {
        self.list.iter_mut().find(|(k, _, used)| !*used && *k == name).map(|(_, v, used)| {
            *used = true;
            std::mem::take(v)
        })
    }
}

const EXPR_ATTRS: &[&str] = &[
    "String",
    "Bool",
    "Int",
    "Float",
    "Decimal",
    "Date",
    "DateTimeOffset",
    "Duration",
    "Guid",
    "Binary",
    "TimeOfDay",
    "EnumMember",
    "Path",
    "PropertyPath",
    "NavigationPropertyPath",
    "AnnotationPath",
    "ModelElementPath",
    "UrlRef",
];

impl<'s> Parser<'s, '_> {
    /// The element path, built only when a diagnostic needs it: each entry's name attribute is
    /// read again from the source.
    fn path_string(&self) -> String {
        let mut out = String::new();
        for &(kind, offset) in &self.path {
            if !out.is_empty() {
                out.push('/');
            }
            out.push_str(kind);
            if let Some(name) = self.name_at(kind, offset) {
                out.push('[');
                out.push_str(&name);
                out.push(']');
            }
        }
        out
    }

    /// The naming attribute of the start tag at `offset`.
    fn name_at(&self, kind: &str, offset: Offset) -> Option<String> {
        let key = match kind {
            "Schema" => "Namespace",
            "Annotations" => "Target",
            "Annotation" => "Term",
            _ => "Name",
        };
        let rest = self.text.get((offset as usize).checked_sub(self.base)? + 1..)?;
        let tag = &rest[..rest.find('>').unwrap_or(rest.len())];
        let tag = tag.strip_suffix('/').unwrap_or(tag);
        let name_len = tag.find(|c: char| c.is_ascii_whitespace()).unwrap_or(tag.len());
        quick_xml::events::attributes::Attributes::new(tag, name_len)
            .filter_map(Result::ok)
            .find(|a| a.key.into_inner() == key)
            .map(|a| a.value.into_owned())
    }

    fn diag(&mut self, severity: Severity, offset: usize, message: impl Into<String>) {
        let d = self.src.diagnostic(severity, offset, self.path_string(), message);
        self.diags.push(d);
    }

    fn error(&mut self, offset: Offset, message: impl Into<String>) {
        self.diag(Severity::Error, offset as usize, message);
    }

    fn warn(&mut self, offset: Offset, message: impl Into<String>) {
        self.diag(Severity::Warning, offset as usize, message);
    }

    /// The next event that matters: a start tag, an end tag, text that is not blank, or the end.
    fn next(&mut self) -> Res<Event<'s>> {
        loop {
            let ev = match self.xml.read_event() {
                Ok(ev) => ev,
                Err(e) => {
                    let at = self.base + self.xml.error_position() as usize;
                    self.diag(Severity::Error, at, format!("malformed XML: {e}"));
                    return Err(Fatal);
                }
            };
            match ev {
                Event::Text(ref t) if t.bytes().all(|b| b.is_ascii_whitespace()) => continue,
                Event::Comment(_) | Event::PI(_) | Event::Decl(_) => continue,
                Event::DocType(ref d) => {
                    let at = self.base + self.xml.buffer_position() as usize;
                    let body: &str = d;
                    if body.contains("<!ENTITY") {
                        self.diag(
                            Severity::Error,
                            at.saturating_sub(d.len() + 11),
                            "DOCTYPE with entity declarations is not accepted: entities are never expanded",
                        );
                        return Err(Fatal);
                    }
                    self.diag(Severity::Warning, at.saturating_sub(d.len() + 11), "DOCTYPE ignored");
                    continue;
                }
                other => return Ok(other),
            }
        }
    }

    fn tag(&self, start: BytesStart<'s>, empty: bool) -> Tag<'s> {
        // The reader stands just after `>`; the tag is `<` + content + (`/`) + `>`.
        let end = self.xml.buffer_position() as usize;
        let len = start.len() + if empty { 3 } else { 2 };
        let offset = end.saturating_sub(len);
        let raw = self.text.get(offset + 1..offset + 1 + start.len()).unwrap_or("");
        let offset = offset + self.base;
        let name = raw.get(..start.name().into_inner().len()).unwrap_or("");
        let local = match name.bytes().rposition(|b| b == b':') {
            Some(i) => &name[i + 1..],
            None => name,
        };
        Tag { start, raw, local, offset: offset as Offset, empty }
    }

    fn attrs(&mut self, tag: &Tag<'s>) -> Attrs<'s> {
        let mut list = std::mem::take(&mut self.attr_buf);
        list.clear();
        let name_len = tag.start.name().into_inner().len();
        // Duplicate names are found in `finish` (only where an attribute is left over), not by
        // comparing every pair of every element.
        let mut iter = quick_xml::events::attributes::Attributes::new(tag.raw, name_len);
        iter.with_checks(false);
        for a in iter {
            match a {
                Ok(a) => {
                    let key = a.key.into_inner();
                    // Most values need neither unescaping nor white-space normalization.
                    if let Cow::Borrowed(raw) = a.value {
                        if !needs_normalizing(raw.as_bytes()) {
                            list.push((key, Cow::Borrowed(raw), false));
                            continue;
                        }
                    }
                    match a.normalized_value(XmlVersion::Implicit1_0) {
                        Ok(v) => list.push((key, v, false)),
                        Err(e) => {
                            self.error(tag.offset, format!("attribute {key}: {e}"));
                        }
                    }
                }
                Err(e) => self.error(tag.offset, format!("malformed attribute: {e}")),
            }
        }
        Attrs { element: tag.local(), offset: tag.offset, list }
    }

    /// Reports the attributes nobody took.
    fn finish(&mut self, mut attrs: Attrs<'s>) {
        for (i, (key, _, used)) in attrs.list.iter().enumerate() {
            if *used {
                continue;
            }
            if attrs.list[..i].iter().any(|(k, _, _)| k == key) {
                let msg = format!("duplicate attribute {key} on {}", attrs.element);
                self.error(attrs.offset, msg);
                continue;
            }
            if *key == "xmlns" || key.starts_with("xmlns:") {
                continue;
            }
            let msg = format!("unknown attribute {key} on {} ignored", attrs.element);
            self.warn(attrs.offset, msg);
        }
        attrs.list.clear();
        self.attr_buf = attrs.list;
    }

    fn required(&mut self, attrs: &mut Attrs<'s>, name: &str) -> Str<'s> {
        self.required_raw(attrs, name).unwrap_or_default()
    }

    /// A required attribute as it is in the document (owned only when it was unescaped).
    fn required_raw(&mut self, attrs: &mut Attrs<'s>, name: &str) -> Option<Cow<'s, str>> {
        let v = attrs.take(name);
        if v.is_none() {
            let msg = format!("{} is missing the required attribute {name}", attrs.element);
            self.error(attrs.offset, msg);
        }
        v
    }

    fn identifier(&mut self, attrs: &mut Attrs<'s>, name: &str) -> Str<'s> {
        let v = self.required(attrs, name);
        if !v.is_empty() && !is_simple_identifier(&v) {
            self.bad_identifier(attrs.offset, &v, &format!("in {name} of {}", attrs.element));
        }
        v
    }

    /// Reports a name that is not a CSDL SimpleIdentifier: an error when it could change the
    /// meaning of a path or qualified name, a warning when it is merely spelled outside the
    /// rule (`a-b`, a symbol, over 128 characters) and maps to a Rust name all the same.
    fn bad_identifier(&mut self, offset: Offset, v: &str, place: &str) {
        if is_lenient_identifier(v) {
            let msg = format!(
                "{v:?} {place} is not a CSDL SimpleIdentifier (letters, digits and `_`, at most 128); read as written, its Rust name replaces the other characters with `_`"
            );
            self.warn(offset, msg);
        } else {
            let msg = format!(
                "invalid identifier {v:?} {place}: a name starts with a letter or `_` and holds only letters, digits and `_` (at most 128)"
            );
            self.error(offset, msg);
        }
    }

    fn opt(&mut self, attrs: &mut Attrs<'s>, name: &str) -> Option<Str<'s>> {
        attrs.take(name)
    }

    fn boolean(&mut self, attrs: &mut Attrs<'s>, name: &str) -> Option<bool> {
        let v = attrs.take(name)?;
        self.boolean_value(attrs, name, &v)
    }

    fn boolean_value(&mut self, attrs: &Attrs<'s>, name: &str, v: &str) -> Option<bool> {
        match v {
            "true" => Some(true),
            "false" => Some(false),
            other if other.eq_ignore_ascii_case("true") || other.eq_ignore_ascii_case("false") => {
                let msg = format!(
                    "{name}={other:?} on {}: CSDL booleans are lower case; read as {}",
                    attrs.element,
                    other.to_ascii_lowercase()
                );
                self.warn(attrs.offset, msg);
                Some(other.eq_ignore_ascii_case("true"))
            }
            other => {
                let msg = format!("invalid value {other:?} for {name} on {}: expected true or false", attrs.element);
                self.error(attrs.offset, msg);
                None
            }
        }
    }

    fn type_ref(&mut self, attrs: &mut Attrs<'s>, name: &str) -> TypeRef<'s> {
        let Some(v) = self.required_raw(attrs, name) else { return TypeRef::default() };
        if v.is_empty() {
            return TypeRef::default();
        }
        match TypeRef::parse(v.clone()) {
            Some(t) => t,
            None => {
                let msg = format!(
                    "malformed type {v:?} in {name} of {}: expected a qualified name or Collection(qualified name)",
                    attrs.element
                );
                self.error(attrs.offset, msg);
                TypeRef::default()
            }
        }
    }

    fn number<T: std::str::FromStr>(&mut self, attrs: &mut Attrs<'s>, name: &str, what: &str) -> Option<T> {
        let v = attrs.take(name)?;
        self.number_value(attrs, name, what, &v)
    }

    fn number_value<T: std::str::FromStr>(&mut self, attrs: &Attrs<'s>, name: &str, what: &str, v: &str) -> Option<T> {
        match v.trim().parse::<T>() {
            Ok(n) => Some(n),
            Err(_) => {
                let msg = format!("invalid value {v:?} for {name} on {}: expected {what}", attrs.element);
                self.error(attrs.offset, msg);
                None
            }
        }
    }

    fn facets(&mut self, attrs: &mut Attrs<'s>) -> Facets {
        // One pass over the attributes left (most elements have none or only Nullable); a
        // repeated facet stays behind for `finish` to report. Checked in a fixed order.
        let mut found: [Option<Str<'s>>; 6] = Default::default();
        for (key, value, used) in attrs.list.iter_mut() {
            let slot = match *key {
                _ if *used => continue,
                "Nullable" => 0,
                "Unicode" => 1,
                "MaxLength" => 2,
                "Precision" => 3,
                "Scale" => 4,
                "SRID" => 5,
                _ => continue,
            };
            if found[slot].is_none() {
                *used = true;
                found[slot] = Some(std::mem::take(value));
            }
        }
        if found.iter().all(Option::is_none) {
            return Facets::default();
        }
        let [nullable, unicode, max_length, precision, scale, srid] = found;
        let nullable = nullable.and_then(|v| self.boolean_value(attrs, "Nullable", &v));
        let unicode = unicode.and_then(|v| self.boolean_value(attrs, "Unicode", &v));
        let max_length = match max_length {
            None => None,
            Some(v) if v.eq_ignore_ascii_case("max") => Some(MaxLength::Max),
            Some(v) => self.number_value(attrs, "MaxLength", "a non-negative integer or max", &v).map(MaxLength::Value),
        };
        let precision = precision.and_then(|v| self.number_value(attrs, "Precision", "a non-negative integer", &v));
        let scale = match scale {
            None => None,
            Some(v) if v.eq_ignore_ascii_case("variable") => Some(Scale::Variable),
            Some(v) if v.eq_ignore_ascii_case("floating") => Some(Scale::Floating),
            Some(v) => {
                self.number_value(attrs, "Scale", "a non-negative integer, variable or floating", &v).map(Scale::Value)
            }
        };
        let srid = match srid {
            None => None,
            Some(v) if v.eq_ignore_ascii_case("variable") => Some(Srid::Variable),
            Some(v) => self.number_value(attrs, "SRID", "a non-negative integer or variable", &v).map(Srid::Value),
        };
        Facets { nullable, max_length, precision, scale, srid, unicode }
    }

    /// Skips the content of an element whose start tag was just read.
    fn skip(&mut self, tag: &Tag<'s>) -> Res<()> {
        if tag.empty {
            return Ok(());
        }
        let mut depth = 0usize;
        loop {
            match self.next()? {
                Event::Start(_) => depth += 1,
                Event::End(_) if depth == 0 => return Ok(()),
                Event::End(_) => depth -= 1,
                Event::Eof => return self.eof(),
                _ => {}
            }
        }
    }

    fn eof<T>(&mut self) -> Res<T> {
        let at = self.base + self.src.bytes().len();
        let msg = match self.open.last() {
            Some(&(name, offset)) => {
                let (line, col) = self.src.line_col(offset as usize);
                format!("unexpected end of file: <{name}> opened at {line}:{col} is not closed")
            }
            None => "unexpected end of file".to_string(),
        };
        self.diag(Severity::Error, at, msg);
        Err(Fatal)
    }

    fn unknown_child(&mut self, parent: &str, tag: &Tag<'s>) -> Res<()> {
        let msg = format!("unknown element <{}> in {parent} ignored", tag.local());
        self.warn(tag.offset, msg);
        self.skip(tag)
    }

    /// Reads the children of `parent` until its end tag, handing each start tag to `f`.
    fn children(&mut self, parent: &Tag<'s>, mut f: impl FnMut(&mut Self, Tag<'s>) -> Res<()>) -> Res<()> {
        if parent.empty {
            return Ok(());
        }
        let name = parent_name(parent.local());
        self.open.push((name, parent.offset));
        loop {
            match self.next()? {
                Event::Start(s) => {
                    let t = self.tag(s, false);
                    f(self, t)?;
                }
                Event::Empty(s) => {
                    let t = self.tag(s, true);
                    f(self, t)?;
                }
                Event::End(_) => break,
                Event::Eof => return self.eof(),
                Event::Text(_) | Event::CData(_) | Event::GeneralRef(_) => {
                    let at = (self.base + self.xml.buffer_position() as usize) as Offset;
                    self.warn(at, format!("text inside <{name}> ignored"));
                }
                _ => {}
            }
        }
        self.open.pop();
        Ok(())
    }

    /// The text content of an element (for annotation expressions such as `<String>`).
    fn text(&mut self, tag: &Tag<'s>) -> Res<Str<'s>> {
        let mut out = String::new();
        if tag.empty {
            return Ok(Str::Owned(out));
        }
        loop {
            match self.next()? {
                Event::Text(t) => out.push_str(&t.xml10_content()),
                Event::CData(t) => out.push_str(&t.xml10_content()),
                Event::GeneralRef(r) => {
                    let at = (self.base + self.xml.buffer_position() as usize) as Offset;
                    match r.resolve_char_ref() {
                        Ok(Some(c)) => out.push(c),
                        _ => {
                            let name = r.xml10_content();
                            match quick_xml::escape::resolve_predefined_entity(&name) {
                                Some(s) => out.push_str(s),
                                None => {
                                    self.error(at, format!("unknown entity &{name}; (entities are never expanded)"));
                                }
                            }
                        }
                    }
                }
                Event::Start(s) => {
                    let t = self.tag(s, false);
                    self.warn(t.offset, format!("unexpected element <{}> in text ignored", t.local()));
                    self.skip(&t)?;
                }
                Event::Empty(s) => {
                    let t = self.tag(s, true);
                    self.warn(t.offset, format!("unexpected element <{}> in text ignored", t.local()));
                }
                Event::End(_) => return Ok(Str::Owned(out)),
                Event::Eof => return self.eof(),
                _ => {}
            }
        }
    }

    fn document(&mut self) -> Res<Document<'s>> {
        let root = match self.next()? {
            Event::Start(s) => self.tag(s, false),
            Event::Empty(s) => self.tag(s, true),
            Event::Eof => {
                self.diag(Severity::Error, 0, "empty document: expected an <edmx:Edmx> root element");
                return Err(Fatal);
            }
            _ => {
                let at = self.base + self.xml.buffer_position() as usize;
                self.diag(Severity::Error, at, "text before the root element");
                return Err(Fatal);
            }
        };
        if root.local() != "Edmx" {
            let msg = format!("wrong root element <{}>: expected <edmx:Edmx>", tag_name(&root));
            self.error(root.offset, msg);
            return Err(Fatal);
        }
        let mut a = self.attrs(&root);
        let version = self.required(&mut a, "Version");
        match &*version {
            "" | "4.0" | "4.01" => {}
            "1.0" | "2.0" | "3.0" => {
                let msg = format!(
                    "Edmx Version {version:?} is an OData V2/V3 document (EDMX {version}); this generator reads OData V4 metadata (Version 4.0 or 4.01)"
                );
                self.error(root.offset, msg);
                return Err(Fatal);
            }
            _ => self.warn(root.offset, format!("Edmx Version {version:?} is neither 4.0 nor 4.01; read as 4.01")),
        }
        self.finish(a);
        let mut doc = Document { version, offset: root.offset, ..Default::default() };
        let mut data_services = 0;
        self.children(&root, |p, t| match t.local() {
            "Reference" => {
                let r = p.reference(&t)?;
                doc.references.push(r);
                Ok(())
            }
            "DataServices" => {
                data_services += 1;
                let a = p.attrs(&t);
                p.finish(a);
                p.children(&t, |p, t| match t.local() {
                    "Schema" => {
                        let s = p.schema(&t)?;
                        doc.schemas.push(s);
                        Ok(())
                    }
                    _ => p.unknown_child("DataServices", &t),
                })
            }
            _ => p.unknown_child("Edmx", &t),
        })?;
        // Anything after the root is an error in XML; quick-xml reports it as text or tags.
        loop {
            match self.next()? {
                Event::Eof => break,
                Event::Start(s) | Event::Empty(s) => {
                    let t = self.tag(s, false);
                    self.error(t.offset, "content after the root element");
                    return Err(Fatal);
                }
                _ => {}
            }
        }
        if data_services != 1 {
            self.error(
                root.offset,
                format!("edmx:Edmx must hold exactly one edmx:DataServices, found {data_services}"),
            );
        }
        Ok(doc)
    }

    fn reference(&mut self, t: &Tag<'s>) -> Res<Reference<'s>> {
        let mut a = self.attrs(t);
        let uri = self.required(&mut a, "Uri");
        self.finish(a);
        let mut r = Reference { uri, offset: t.offset, ..Default::default() };
        self.children(t, |p, c| match c.local() {
            "Include" => {
                let mut a = p.attrs(&c);
                let namespace = p.required(&mut a, "Namespace");
                let alias = p.opt(&mut a, "Alias");
                p.finish(a);
                r.includes.push(Include { namespace, alias, offset: c.offset });
                p.skip(&c)
            }
            "IncludeAnnotations" => {
                let mut a = p.attrs(&c);
                let term_namespace = p.required(&mut a, "TermNamespace");
                let qualifier = p.opt(&mut a, "Qualifier");
                let target_namespace = p.opt(&mut a, "TargetNamespace");
                p.finish(a);
                r.include_annotations.push(IncludeAnnotations {
                    term_namespace,
                    qualifier,
                    target_namespace,
                    offset: c.offset,
                });
                p.skip(&c)
            }
            "Annotation" => {
                let an = p.annotation(&c)?;
                r.annotations.push(an);
                Ok(())
            }
            _ => p.unknown_child("Reference", &c),
        })?;
        Ok(r)
    }

    fn schema(&mut self, t: &Tag<'s>) -> Res<Schema<'s>> {
        let mut a = self.attrs(t);
        let namespace = self.required(&mut a, "Namespace");
        if !namespace.is_empty() && !namespace.split('.').all(is_simple_identifier) {
            if namespace.split('.').all(is_lenient_identifier) {
                self.bad_identifier(t.offset, &namespace, "in Namespace of Schema");
            } else {
                self.error(t.offset, format!("invalid namespace {namespace:?}: expected dot-separated identifiers"));
            }
        }
        let alias = self.opt(&mut a, "Alias");
        if let Some(al) = &alias {
            if !is_simple_identifier(al) {
                if al.split('.').all(is_lenient_identifier) {
                    // A dotted alias still names the schema unambiguously.
                    self.warn(
                        t.offset,
                        format!("alias {al:?} is not a SimpleIdentifier; read as written, it qualifies names like a namespace"),
                    );
                } else {
                    self.error(t.offset, format!("invalid alias {al:?}: expected an identifier"));
                }
            }
        }
        self.finish(a);
        self.path.push(("Schema", t.offset));
        let mut s = Schema { namespace, alias, offset: t.offset, ..Default::default() };
        self.children(t, |p, c| {
            match c.local() {
                "EntityType" => {
                    let ty = p.structured(&c, StructuredKind::Entity)?;
                    s.entity_types.push(ty);
                }
                "ComplexType" => {
                    let ty = p.structured(&c, StructuredKind::Complex)?;
                    s.complex_types.push(ty);
                }
                "EnumType" => {
                    let ty = p.enum_type(&c)?;
                    s.enum_types.push(ty);
                }
                "TypeDefinition" => {
                    let ty = p.type_definition(&c)?;
                    s.type_definitions.push(ty);
                }
                "Action" => {
                    let op = p.operation(&c, OperationKind::Action)?;
                    s.operations.push(op);
                }
                "Function" => {
                    let op = p.operation(&c, OperationKind::Function)?;
                    s.operations.push(op);
                }
                "Term" => {
                    let term = p.term(&c)?;
                    s.terms.push(term);
                }
                "EntityContainer" => {
                    let ec = p.container(&c)?;
                    s.containers.push(ec);
                }
                "Annotations" => {
                    let b = p.annotations_block(&c)?;
                    s.annotation_blocks.push(b);
                }
                "Annotation" => {
                    let an = p.annotation(&c)?;
                    s.annotations.push(an);
                }
                _ => p.unknown_child("Schema", &c)?,
            }
            Ok(())
        })?;
        self.path.pop();
        Ok(s)
    }

    fn structured(&mut self, t: &Tag<'s>, kind: StructuredKind) -> Res<StructuredType<'s>> {
        let mut a = self.attrs(t);
        let name = self.identifier(&mut a, "Name");
        let base_type = self.opt(&mut a, "BaseType");
        let is_abstract = self.boolean(&mut a, "Abstract").unwrap_or(false);
        let open_type = self.boolean(&mut a, "OpenType").unwrap_or(false);
        let has_stream =
            if kind == StructuredKind::Entity { self.boolean(&mut a, "HasStream").unwrap_or(false) } else { false };
        self.finish(a);
        let element = match kind {
            StructuredKind::Entity => "EntityType",
            StructuredKind::Complex => "ComplexType",
        };
        self.path.push((element, t.offset));
        let mut ty = StructuredType {
            kind,
            name,
            base_type,
            is_abstract,
            open_type,
            has_stream,
            key: None,
            properties: Vec::new(),
            navigation_properties: Vec::new(),
            annotations: Vec::new(),
            offset: t.offset,
        };
        self.children(t, |p, c| {
            match c.local() {
                "Key" if kind == StructuredKind::Entity => {
                    let a = p.attrs(&c);
                    p.finish(a);
                    let mut refs = Vec::new();
                    p.children(&c, |p, r| {
                        if r.local() != "PropertyRef" {
                            return p.unknown_child("Key", &r);
                        }
                        let mut a = p.attrs(&r);
                        let name = p.required(&mut a, "Name");
                        let alias = p.opt(&mut a, "Alias");
                        p.finish(a);
                        refs.push(PropertyRef { name, alias, offset: r.offset });
                        p.skip(&r)
                    })?;
                    if ty.key.is_some() {
                        p.error(c.offset, "an entity type has at most one Key");
                    }
                    ty.key = Some(refs);
                }
                "Property" => {
                    let prop = p.property(&c)?;
                    ty.properties.push(prop);
                }
                "NavigationProperty" => {
                    let nav = p.navigation_property(&c)?;
                    ty.navigation_properties.push(nav);
                }
                "Annotation" => {
                    let an = p.annotation(&c)?;
                    ty.annotations.push(an);
                }
                _ => p.unknown_child(element, &c)?,
            }
            Ok(())
        })?;
        self.path.pop();
        Ok(ty)
    }

    /// Reads inline `Annotation` children and reports anything else.
    fn annotations_only(&mut self, t: &Tag<'s>, element: &str) -> Res<Vec<Annotation<'s>>> {
        let mut out = Vec::new();
        self.children(t, |p, c| {
            if c.local() == "Annotation" {
                let an = p.annotation(&c)?;
                // Most elements carry one annotation (a description): no room for four.
                if out.capacity() == 0 {
                    out.reserve_exact(1);
                }
                out.push(an);
                Ok(())
            } else {
                p.unknown_child(element, &c)
            }
        })?;
        Ok(out)
    }

    fn property(&mut self, t: &Tag<'s>) -> Res<Property<'s>> {
        let mut a = self.attrs(t);
        let name = self.identifier(&mut a, "Name");
        let ty = self.type_ref(&mut a, "Type");
        let facets = self.facets(&mut a);
        let default_value = self.opt(&mut a, "DefaultValue");
        self.finish(a);
        self.path.push(("Property", t.offset));
        let annotations = self.annotations_only(t, "Property")?;
        self.path.pop();
        Ok(Property { name, ty, facets, default_value, annotations, offset: t.offset })
    }

    fn navigation_property(&mut self, t: &Tag<'s>) -> Res<NavigationProperty<'s>> {
        let mut a = self.attrs(t);
        let name = self.identifier(&mut a, "Name");
        let ty = self.type_ref(&mut a, "Type");
        let nullable = self.boolean(&mut a, "Nullable");
        let partner = self.opt(&mut a, "Partner");
        let contains_target = self.boolean(&mut a, "ContainsTarget").unwrap_or(false);
        self.finish(a);
        self.path.push(("NavigationProperty", t.offset));
        let mut nav = NavigationProperty {
            name,
            ty,
            nullable,
            partner,
            contains_target,
            on_delete: None,
            referential_constraints: Vec::new(),
            annotations: Vec::new(),
            offset: t.offset,
        };
        self.children(t, |p, c| {
            match c.local() {
                "OnDelete" => {
                    let mut a = p.attrs(&c);
                    let action = p.required(&mut a, "Action");
                    p.finish(a);
                    nav.on_delete = match &*action {
                        "Cascade" => Some(OnDeleteAction::Cascade),
                        "None" => Some(OnDeleteAction::None),
                        "SetNull" => Some(OnDeleteAction::SetNull),
                        "SetDefault" => Some(OnDeleteAction::SetDefault),
                        "" => None,
                        other => {
                            p.error(
                                c.offset,
                                format!(
                                    "invalid OnDelete Action {other:?}: expected Cascade, None, SetNull or SetDefault"
                                ),
                            );
                            None
                        }
                    };
                    let _ = p.annotations_only(&c, "OnDelete")?;
                }
                "ReferentialConstraint" => {
                    let mut a = p.attrs(&c);
                    let property = p.required(&mut a, "Property");
                    let referenced_property = p.required(&mut a, "ReferencedProperty");
                    p.finish(a);
                    let _ = p.annotations_only(&c, "ReferentialConstraint")?;
                    nav.referential_constraints.push(ReferentialConstraint {
                        property,
                        referenced_property,
                        offset: c.offset,
                    });
                }
                "Annotation" => {
                    let an = p.annotation(&c)?;
                    nav.annotations.push(an);
                }
                _ => p.unknown_child("NavigationProperty", &c)?,
            }
            Ok(())
        })?;
        self.path.pop();
        Ok(nav)
    }

    fn enum_type(&mut self, t: &Tag<'s>) -> Res<EnumType<'s>> {
        let mut a = self.attrs(t);
        let name = self.identifier(&mut a, "Name");
        let underlying_type = self.opt(&mut a, "UnderlyingType");
        if let Some(u) = &underlying_type {
            if !matches!(&**u, "Edm.Byte" | "Edm.SByte" | "Edm.Int16" | "Edm.Int32" | "Edm.Int64") {
                self.error(t.offset, format!("invalid UnderlyingType {u:?} on EnumType: expected Edm.Byte, Edm.SByte, Edm.Int16, Edm.Int32 or Edm.Int64"));
            }
        }
        let is_flags = self.boolean(&mut a, "IsFlags").unwrap_or(false);
        self.finish(a);
        self.path.push(("EnumType", t.offset));
        let mut e = EnumType {
            name,
            underlying_type,
            is_flags,
            members: Vec::new(),
            annotations: Vec::new(),
            offset: t.offset,
        };
        self.children(t, |p, c| {
            match c.local() {
                "Member" => {
                    let mut a = p.attrs(&c);
                    let name = p.identifier(&mut a, "Name");
                    let value = p.number::<i64>(&mut a, "Value", "an integer");
                    p.finish(a);
                    p.path.push(("Member", c.offset));
                    let annotations = p.annotations_only(&c, "Member")?;
                    p.path.pop();
                    e.members.push(EnumMember { name, value, annotations, offset: c.offset });
                }
                "Annotation" => {
                    let an = p.annotation(&c)?;
                    e.annotations.push(an);
                }
                _ => p.unknown_child("EnumType", &c)?,
            }
            Ok(())
        })?;
        self.path.pop();
        Ok(e)
    }

    fn type_definition(&mut self, t: &Tag<'s>) -> Res<TypeDefinition<'s>> {
        let mut a = self.attrs(t);
        let name = self.identifier(&mut a, "Name");
        let underlying_type = self.required(&mut a, "UnderlyingType");
        let facets = self.facets(&mut a);
        self.finish(a);
        self.path.push(("TypeDefinition", t.offset));
        let annotations = self.annotations_only(t, "TypeDefinition")?;
        self.path.pop();
        Ok(TypeDefinition { name, underlying_type, facets, annotations, offset: t.offset })
    }

    fn operation(&mut self, t: &Tag<'s>, kind: OperationKind) -> Res<Operation<'s>> {
        let element = match kind {
            OperationKind::Action => "Action",
            OperationKind::Function => "Function",
        };
        let mut a = self.attrs(t);
        let name = self.identifier(&mut a, "Name");
        let is_bound = self.boolean(&mut a, "IsBound").unwrap_or(false);
        let is_composable =
            if kind == OperationKind::Function { self.boolean(&mut a, "IsComposable").unwrap_or(false) } else { false };
        let entity_set_path = self.opt(&mut a, "EntitySetPath");
        self.finish(a);
        self.path.push((element, t.offset));
        let mut op = Operation {
            kind,
            name,
            is_bound,
            is_composable,
            entity_set_path,
            parameters: Vec::new(),
            return_type: None,
            annotations: Vec::new(),
            offset: t.offset,
        };
        self.children(t, |p, c| {
            match c.local() {
                "Parameter" => {
                    let mut a = p.attrs(&c);
                    let name = p.identifier(&mut a, "Name");
                    let ty = p.type_ref(&mut a, "Type");
                    let facets = p.facets(&mut a);
                    p.finish(a);
                    p.path.push(("Parameter", c.offset));
                    let annotations = p.annotations_only(&c, "Parameter")?;
                    p.path.pop();
                    op.parameters.push(Parameter { name, ty, facets, annotations, offset: c.offset });
                }
                "ReturnType" => {
                    let mut a = p.attrs(&c);
                    let ty = p.type_ref(&mut a, "Type");
                    let facets = p.facets(&mut a);
                    p.finish(a);
                    let annotations = p.annotations_only(&c, "ReturnType")?;
                    if op.return_type.is_some() {
                        p.error(c.offset, "an operation has at most one ReturnType");
                    }
                    op.return_type = Some(ReturnType { ty, facets, annotations, offset: c.offset });
                }
                "Annotation" => {
                    let an = p.annotation(&c)?;
                    op.annotations.push(an);
                }
                _ => p.unknown_child(element, &c)?,
            }
            Ok(())
        })?;
        if op.is_bound && op.parameters.is_empty() {
            self.error(t.offset, format!("bound {element} {} has no binding parameter", op.name));
        }
        if kind == OperationKind::Function && op.return_type.is_none() {
            self.error(t.offset, format!("Function {} has no ReturnType", op.name));
        }
        self.path.pop();
        Ok(op)
    }

    fn term(&mut self, t: &Tag<'s>) -> Res<Term<'s>> {
        let mut a = self.attrs(t);
        let name = self.identifier(&mut a, "Name");
        let ty = self.type_ref(&mut a, "Type");
        let base_term = self.opt(&mut a, "BaseTerm");
        let default_value = self.opt(&mut a, "DefaultValue");
        let applies_to = self.opt(&mut a, "AppliesTo");
        let facets = self.facets(&mut a);
        self.finish(a);
        self.path.push(("Term", t.offset));
        let annotations = self.annotations_only(t, "Term")?;
        self.path.pop();
        Ok(Term { name, ty, base_term, default_value, applies_to, facets, annotations, offset: t.offset })
    }

    fn container(&mut self, t: &Tag<'s>) -> Res<EntityContainer<'s>> {
        let mut a = self.attrs(t);
        let name = self.identifier(&mut a, "Name");
        let extends = self.opt(&mut a, "Extends");
        self.finish(a);
        self.path.push(("EntityContainer", t.offset));
        let mut ec = EntityContainer { name, extends, offset: t.offset, ..Default::default() };
        self.children(t, |p, c| {
            match c.local() {
                "EntitySet" | "Singleton" => {
                    let set = c.local() == "EntitySet";
                    let mut a = p.attrs(&c);
                    let name = p.identifier(&mut a, "Name");
                    let entity_type = p.required(&mut a, if set { "EntityType" } else { "Type" });
                    let include_in_service_document =
                        if set { p.boolean(&mut a, "IncludeInServiceDocument") } else { None };
                    if !set {
                        // Some services write Nullable on singletons (CSDL 4.01); it has no bearing here.
                        let _ = p.boolean(&mut a, "Nullable");
                    }
                    p.finish(a);
                    p.path.push((if set { "EntitySet" } else { "Singleton" }, c.offset));
                    let mut es = EntitySet {
                        name,
                        entity_type,
                        include_in_service_document,
                        offset: c.offset,
                        ..Default::default()
                    };
                    p.children(&c, |p, b| {
                        match b.local() {
                            "NavigationPropertyBinding" => {
                                let mut a = p.attrs(&b);
                                let path = p.required(&mut a, "Path");
                                let target = p.required(&mut a, "Target");
                                p.finish(a);
                                es.bindings.push(NavigationPropertyBinding { path, target, offset: b.offset });
                                p.skip(&b)?;
                            }
                            "Annotation" => {
                                let an = p.annotation(&b)?;
                                es.annotations.push(an);
                            }
                            _ => p.unknown_child("EntitySet", &b)?,
                        }
                        Ok(())
                    })?;
                    p.path.pop();
                    if set {
                        ec.entity_sets.push(es);
                    } else {
                        ec.singletons.push(es);
                    }
                }
                "ActionImport" | "FunctionImport" => {
                    let kind =
                        if c.local() == "ActionImport" { OperationKind::Action } else { OperationKind::Function };
                    let mut a = p.attrs(&c);
                    let name = p.identifier(&mut a, "Name");
                    let operation =
                        p.required(&mut a, if kind == OperationKind::Action { "Action" } else { "Function" });
                    let entity_set = p.opt(&mut a, "EntitySet");
                    let include_in_service_document = if kind == OperationKind::Function {
                        p.boolean(&mut a, "IncludeInServiceDocument")
                    } else {
                        None
                    };
                    p.finish(a);
                    let annotations = p.annotations_only(&c, c.local())?;
                    ec.operation_imports.push(OperationImport {
                        kind,
                        name,
                        operation,
                        entity_set,
                        include_in_service_document,
                        annotations,
                        offset: c.offset,
                    });
                }
                "Annotation" => {
                    let an = p.annotation(&c)?;
                    ec.annotations.push(an);
                }
                _ => p.unknown_child("EntityContainer", &c)?,
            }
            Ok(())
        })?;
        self.path.pop();
        Ok(ec)
    }

    fn annotations_block(&mut self, t: &Tag<'s>) -> Res<Annotations<'s>> {
        let mut a = self.attrs(t);
        let target = self.required(&mut a, "Target");
        let qualifier = self.opt(&mut a, "Qualifier");
        self.finish(a);
        self.path.push(("Annotations", t.offset));
        let annotations = self.annotations_only(t, "Annotations")?;
        self.path.pop();
        Ok(Annotations { target, qualifier, annotations, offset: t.offset })
    }

    /// A constant or path expression written as an attribute, if any.
    fn attr_expr(&mut self, a: &mut Attrs<'s>) -> Option<Expr<'s>> {
        let mut found = None;
        for i in 0..a.list.len() {
            let (key, _, used) = &a.list[i];
            if *used {
                continue;
            }
            let Some(kind) = EXPR_ATTRS.iter().copied().find(|k| k == key) else { continue };
            a.list[i].2 = true;
            let v = std::mem::take(&mut a.list[i].1);
            let e = self.constant(kind, v, a.offset);
            if found.is_some() {
                self.error(a.offset, format!("{} has more than one value expression", a.element));
            }
            found = Some(e);
        }
        found
    }

    fn constant(&mut self, kind: &'static str, v: Str<'s>, offset: Offset) -> Expr<'s> {
        match kind {
            "String" => Expr::String(v),
            "Bool" => match v.trim() {
                "true" => Expr::Bool(true),
                "false" => Expr::Bool(false),
                other => {
                    self.error(offset, format!("invalid Bool value {other:?}: expected true or false"));
                    Expr::Bool(false)
                }
            },
            "Int" => match v.trim().parse() {
                Ok(n) => Expr::Int(n),
                Err(_) => {
                    self.error(offset, format!("invalid Int value {v:?}: expected an integer"));
                    Expr::Int(0)
                }
            },
            "Float" => Expr::Float(v),
            "Decimal" => Expr::Decimal(v),
            "EnumMember" => Expr::EnumMember(v),
            "Path" | "PropertyPath" | "NavigationPropertyPath" | "AnnotationPath" | "ModelElementPath" => {
                Expr::Path(kind, v)
            }
            "UrlRef" => Expr::Dynamic(format!("UrlRef({v})").into()),
            _ => Expr::Constant(kind, v),
        }
    }

    fn annotation(&mut self, t: &Tag<'s>) -> Res<Annotation<'s>> {
        let mut a = self.attrs(t);
        let term = self.required(&mut a, "Term");
        let qualifier = self.opt(&mut a, "Qualifier");
        let mut value = self.attr_expr(&mut a);
        self.finish(a);
        self.path.push(("Annotation", t.offset));
        let mut annotations = Vec::new();
        self.children(t, |p, c| {
            if c.local() == "Annotation" {
                let an = p.annotation(&c)?;
                annotations.push(an);
                return Ok(());
            }
            let e = p.expr(&c)?;
            if value.is_some() {
                p.error(c.offset, "Annotation has more than one value expression");
            }
            value = Some(e);
            Ok(())
        })?;
        self.path.pop();
        Ok(Annotation { term, qualifier, value, annotations, offset: t.offset })
    }

    fn expr(&mut self, t: &Tag<'s>) -> Res<Expr<'s>> {
        let local = t.local();
        match local {
            "Collection" => {
                let a = self.attrs(t);
                self.finish(a);
                let mut items = Vec::new();
                self.children(t, |p, c| {
                    if c.local() == "Annotation" {
                        p.annotation(&c)?;
                    } else {
                        let e = p.expr(&c)?;
                        items.push(e);
                    }
                    Ok(())
                })?;
                Ok(Expr::Collection(items))
            }
            "Record" => {
                let mut a = self.attrs(t);
                let ty = self.opt(&mut a, "Type");
                self.finish(a);
                let mut rec = Record { ty, ..Default::default() };
                self.children(t, |p, c| {
                    match c.local() {
                        "PropertyValue" => {
                            let mut a = p.attrs(&c);
                            let property = p.required(&mut a, "Property");
                            let mut value = p.attr_expr(&mut a);
                            p.finish(a);
                            p.children(&c, |p, v| {
                                if v.local() == "Annotation" {
                                    p.annotation(&v)?;
                                    return Ok(());
                                }
                                let e = p.expr(&v)?;
                                if value.is_some() {
                                    p.error(v.offset, "PropertyValue has more than one value expression");
                                }
                                value = Some(e);
                                Ok(())
                            })?;
                            let value = match value {
                                Some(v) => v,
                                None => {
                                    // A Boolean property value may be left out and means true.
                                    Expr::Bool(true)
                                }
                            };
                            rec.properties.push(PropertyValue { property, value });
                        }
                        "Annotation" => {
                            let an = p.annotation(&c)?;
                            rec.annotations.push(an);
                        }
                        _ => p.unknown_child("Record", &c)?,
                    }
                    Ok(())
                })?;
                Ok(Expr::Record(rec))
            }
            "Null" => {
                let a = self.attrs(t);
                self.finish(a);
                self.skip(t)?;
                Ok(Expr::Null)
            }
            k if EXPR_ATTRS.contains(&k) => {
                let kind = EXPR_ATTRS.iter().copied().find(|x| *x == k).unwrap_or("String");
                let a = self.attrs(t);
                self.finish(a);
                let text = self.text(t)?;
                Ok(self.constant(kind, text, t.offset))
            }
            "Apply"
            | "Cast"
            | "If"
            | "IsOf"
            | "LabeledElement"
            | "LabeledElementReference"
            | "Not"
            | "And"
            | "Or"
            | "Eq"
            | "Ne"
            | "Gt"
            | "Ge"
            | "Lt"
            | "Le"
            | "Has"
            | "In"
            | "Add"
            | "Sub"
            | "Neg"
            | "Mul"
            | "Div"
            | "DivBy"
            | "Mod" => {
                self.skip(t)?;
                Ok(Expr::Dynamic(Str::Borrowed(local)))
            }
            _ => {
                self.unknown_child("Annotation", t)?;
                Ok(Expr::Dynamic(Str::Borrowed(local)))
            }
        }
    }
}

fn parent_name(local: &str) -> &'static str {
    // Interned names of the elements that have children, for messages about unclosed tags.
    const KNOWN: &[&str] = &[
        "Edmx",
        "DataServices",
        "Reference",
        "Schema",
        "EntityType",
        "ComplexType",
        "EnumType",
        "Member",
        "TypeDefinition",
        "Property",
        "NavigationProperty",
        "Key",
        "OnDelete",
        "ReferentialConstraint",
        "Action",
        "Function",
        "Parameter",
        "ReturnType",
        "Term",
        "EntityContainer",
        "EntitySet",
        "Singleton",
        "ActionImport",
        "FunctionImport",
        "Annotations",
        "Annotation",
        "Collection",
        "Record",
        "PropertyValue",
        "Include",
        "IncludeAnnotations",
    ];
    KNOWN.iter().copied().find(|k| *k == local).unwrap_or("element")
}

fn tag_name(t: &Tag<'_>) -> String {
    t.start.name().into_inner().to_string()
}

/// The name of the UTF-16 encoding a document is in, told by its byte order mark or, without
/// one, by the zero bytes around its first `<`.
fn utf16(b: &[u8]) -> Option<&'static str> {
    match b {
        [0xFF, 0xFE, ..] | [b'<', 0, ..] => Some("UTF-16LE"),
        [0xFE, 0xFF, ..] | [0, b'<', ..] => Some("UTF-16BE"),
        _ => None,
    }
}

/// Whether an attribute value holds a reference or white space that XML normalizes. Short
/// values (names, types) are checked byte by byte; long ones (descriptions) with memchr.
fn needs_normalizing(b: &[u8]) -> bool {
    if b.len() < 48 {
        return b.iter().any(|&c| matches!(c, b'&' | b'\n' | b'\t' | b'\r'));
    }
    memchr::memchr3(b'&', b'\n', b'\t', b).is_some() || memchr::memchr(b'\r', b).is_some()
}

/// CSDL `SimpleIdentifier`: a letter or `_`, then letters, digits or `_`; at most 128 characters.
pub fn is_simple_identifier(s: &str) -> bool {
    // Nearly every real name is ASCII: checked by bytes in one pass, characters only when a
    // byte beyond ASCII shows up.
    let b = s.as_bytes();
    let ascii_ok = |c: u8| c.is_ascii_alphanumeric() || c == b'_';
    match b.first() {
        None => return false,
        Some(&c) if c < 0x80 && !(c.is_ascii_alphabetic() || c == b'_') => return false,
        _ => {}
    }
    for &c in b {
        if c >= 0x80 {
            return is_unicode_identifier(s);
        }
        if !ascii_ok(c) {
            return false;
        }
    }
    b.len() <= 128
}

/// The Unicode form of the rule: the first character a letter (`\p{L}`, `\p{Nl}`) or `_`,
/// the rest letters, digits, marks and connector punctuation (what Unicode's identifier
/// properties admit).
fn is_unicode_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    let Some(first) = chars.next() else {
        return false;
    };
    (first.is_alphabetic() || first == '_' || unicode_ident::is_xid_start(first))
        && chars.all(|c| c.is_alphanumeric() || c == '_' || unicode_ident::is_xid_continue(c))
        && s.chars().count() <= 128
}

/// A name outside the SimpleIdentifier rule whose meaning is still clear: it starts like an
/// identifier and holds none of the characters that mean something in a qualified name, a
/// path, a URL or a type reference.
pub fn is_lenient_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    let Some(first) = chars.next() else {
        return false;
    };
    (first.is_alphabetic() || first == '_')
        && s.chars().all(|c| !c.is_whitespace() && !c.is_control() && !"./()',=@#:*?&%\"<>[]{}|\\^`;+$!~".contains(c))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_str(s: &str) -> (Option<Document<'_>>, Diagnostics) {
        let src = Source::new("t.xml", s.as_bytes());
        read(&src)
    }

    #[test]
    fn offsets_point_at_tags() {
        let xml = "<edmx:Edmx Version=\"4.0\" xmlns:edmx=\"x\">\n  <edmx:DataServices>\n    <Schema Namespace=\"n\">\n      <EnumType Name=\"e\"/>\n    </Schema>\n  </edmx:DataServices>\n</edmx:Edmx>\n";
        let (doc, diags) = read_str(xml);
        assert!(diags.0.is_empty(), "{diags:?}");
        let doc = doc.unwrap();
        let src = Source::new("t.xml", xml.as_bytes());
        assert_eq!(src.line_col(doc.schemas[0].offset as usize), (3, 5));
        assert_eq!(src.line_col(doc.schemas[0].enum_types[0].offset as usize), (4, 7));
    }

    #[test]
    fn strings_borrow_from_the_source_unless_unescaped() {
        let xml = "<edmx:Edmx Version=\"4.0\" xmlns:edmx=\"x\"><edmx:DataServices><Schema Namespace=\"n\">\
            <ComplexType Name=\"c\"><Property Name=\"p\" Type=\" Collection(n.c) \">\
            <Annotation Term=\"Core.Description\" String=\"a &amp; b&#10;c\"/>\
            <Annotation Term=\"Core.LongDescription\" String=\"x\ny\"/></Property></ComplexType>\
            </Schema></edmx:DataServices></edmx:Edmx>";
        let (doc, diags) = read_str(xml);
        assert!(diags.0.is_empty(), "{diags:?}");
        let p = &doc.unwrap().schemas[0].complex_types[0].properties[0];
        assert!(matches!(p.name, Cow::Borrowed("p")));
        assert!(p.ty.collection);
        assert!(matches!(p.ty.name, Cow::Borrowed("n.c")), "{:?}", p.ty.name);
        assert!(matches!(p.annotations[0].term, Cow::Borrowed("Core.Description")));
        // References are resolved and literal line breaks normalized (XML attribute-value
        // normalization); only these values are owned.
        match (&p.annotations[0].value, &p.annotations[1].value) {
            (Some(Expr::String(Cow::Owned(a))), Some(Expr::String(Cow::Owned(b)))) => {
                assert_eq!((a.as_str(), b.as_str()), ("a & b\nc", "x y"));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn identifiers() {
        let longest = "a".repeat(128);
        let too_long = "a".repeat(129);
        let longest_unicode = "\u{e9}".repeat(128);
        for ok in ["a", "_", "_a", "wifi80211ax", "iOS", "\u{e9}t\u{e9}", "a\u{e9}", &longest, &longest_unicode] {
            assert!(is_simple_identifier(ok), "{ok}");
        }
        let too_long_unicode = "\u{e9}".repeat(129);
        for bad in ["", "1a", "a-b", "a.b", "a b", "1\u{e9}", "\u{e9}-", "-\u{e9}", &too_long, &too_long_unicode] {
            assert!(!is_simple_identifier(bad), "{bad}");
        }
    }
}
