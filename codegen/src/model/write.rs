//! The canonical CSDL writer: a model back to CSDL XML, sorted and stable. Every name is
//! fully qualified, every annotation is written inline on its target, types, properties and
//! annotations are sorted by name and enum members by value, so two documents that differ
//! only in order are written byte for byte the same, and reading the output back gives the
//! same model.

use std::fmt::Write as _;

use crate::csdl::ast::{Expr, Facets, MaxLength, Scale, Srid, StructuredKind};
use crate::model::{Annotation, Annotations, Model, OperationKind, Target, TypeKind, TypeUse};

/// Writes `model` as a canonical CSDL XML document.
pub fn write(model: &Model) -> String {
    let names: Vec<String> = model.types.iter().map(|t| t.qualified()).collect();
    let ty = |u: &TypeUse| -> String { u.csdl(|t| &names[t.0 as usize]) };
    let mut w = Writer::default();
    w.line(0, r#"<?xml version="1.0" encoding="utf-8"?>"#);
    let version = if model.version.is_empty() { "4.0" } else { &model.version };
    w.line(
        0,
        &format!(r#"<edmx:Edmx Version="{}" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx">"#, attr(version)),
    );
    let mut refs = model.references.clone();
    refs.sort_by(|a, b| a.uri.cmp(&b.uri));
    for r in &refs {
        w.line(1, &format!(r#"<edmx:Reference Uri="{}">"#, attr(&r.uri)));
        let mut incs = r.includes.clone();
        incs.sort();
        for (ns, alias) in incs {
            let alias = alias.map(|a| format!(r#" Alias="{}""#, attr(&a))).unwrap_or_default();
            w.line(2, &format!(r#"<edmx:Include Namespace="{}"{alias} />"#, attr(&ns)));
        }
        w.line(1, "</edmx:Reference>");
    }
    w.line(1, "<edmx:DataServices>");
    let mut schemas: Vec<_> = model.schemas.iter().collect();
    schemas.sort_by(|a, b| a.namespace.cmp(&b.namespace));
    for s in schemas {
        let ns = &s.namespace;
        let alias = s.alias.as_ref().map(|a| format!(r#" Alias="{}""#, attr(a))).unwrap_or_default();
        w.line(
            2,
            &format!(r#"<Schema Namespace="{}"{alias} xmlns="http://docs.oasis-open.org/odata/ns/edm">"#, attr(ns)),
        );
        let mut types: Vec<_> = model.types.iter().filter(|t| &t.namespace == ns).collect();
        types.sort_by_key(|t| {
            let rank = match &t.kind {
                TypeKind::Enum(_) => 0,
                TypeKind::Definition { .. } => 1,
                TypeKind::Structured(s) if s.kind == StructuredKind::Complex => 2,
                TypeKind::Structured(_) => 3,
            };
            (rank, t.name.clone())
        });
        for t in types {
            match &t.kind {
                TypeKind::Enum(e) => {
                    let mut a = format!(r#"<EnumType Name="{}""#, attr(&t.name));
                    if e.underlying != "Int32" {
                        let _ = write!(a, r#" UnderlyingType="Edm.{}""#, attr(&e.underlying));
                    }
                    if e.is_flags {
                        a.push_str(r#" IsFlags="true""#);
                    }
                    let mut members: Vec<_> = e.members.iter().collect();
                    members.sort_by(|a, b| (a.value, &a.name).cmp(&(b.value, &b.name)));
                    w.open(3, a, !members.is_empty() || !t.annotations.is_empty(), |w| {
                        for m in members {
                            let a = format!(r#"<Member Name="{}" Value="{}""#, attr(&m.name), m.value);
                            w.open(4, a, !m.annotations.is_empty(), |w| w.annotations(5, &m.annotations));
                        }
                        w.annotations(4, &t.annotations);
                    });
                }
                TypeKind::Definition { underlying, facets } => {
                    let a = format!(
                        r#"<TypeDefinition Name="{}" UnderlyingType="Edm.{}"{}"#,
                        attr(&t.name),
                        attr(underlying),
                        facet_attrs(facets)
                    );
                    w.open(3, a, !t.annotations.is_empty(), |w| w.annotations(4, &t.annotations));
                }
                TypeKind::Structured(s) => {
                    let element = if s.kind == StructuredKind::Entity { "EntityType" } else { "ComplexType" };
                    let mut a = format!(r#"<{element} Name="{}""#, attr(&t.name));
                    if let Some(b) = s.base {
                        let _ = write!(a, r#" BaseType="{}""#, attr(&names[b.0 as usize]));
                    }
                    if s.is_abstract {
                        a.push_str(r#" Abstract="true""#);
                    }
                    if s.open_type {
                        a.push_str(r#" OpenType="true""#);
                    }
                    if s.has_stream {
                        a.push_str(r#" HasStream="true""#);
                    }
                    let has_children = s.key.is_some()
                        || !s.properties.is_empty()
                        || !s.navigation.is_empty()
                        || !t.annotations.is_empty();
                    w.open_named(3, a, element, has_children, |w| {
                        if let Some(key) = &s.key {
                            w.line(4, "<Key>");
                            for (name, alias) in key {
                                let alias =
                                    alias.as_ref().map(|a| format!(r#" Alias="{}""#, attr(a))).unwrap_or_default();
                                w.line(5, &format!(r#"<PropertyRef Name="{}"{alias} />"#, attr(name)));
                            }
                            w.line(4, "</Key>");
                        }
                        let mut props: Vec<_> = s.properties.iter().collect();
                        props.sort_by(|a, b| a.name.cmp(&b.name));
                        for p in props {
                            let mut a = format!(
                                r#"<Property Name="{}" Type="{}"{}"#,
                                attr(&p.name),
                                attr(&ty(&p.ty)),
                                facet_attrs(&p.facets)
                            );
                            if let Some(d) = &p.default_value {
                                let _ = write!(a, r#" DefaultValue="{}""#, attr(d));
                            }
                            w.open(4, a, !p.annotations.is_empty(), |w| w.annotations(5, &p.annotations));
                        }
                        let mut navs: Vec<_> = s.navigation.iter().collect();
                        navs.sort_by(|a, b| a.name.cmp(&b.name));
                        for n in navs {
                            let nt = ty(&TypeUse { collection: n.collection, target: Target::Named(n.target) });
                            let mut a = format!(r#"<NavigationProperty Name="{}" Type="{}""#, attr(&n.name), attr(&nt));
                            if let Some(v) = n.nullable {
                                let _ = write!(a, r#" Nullable="{v}""#);
                            }
                            if let Some(p) = &n.partner {
                                let _ = write!(a, r#" Partner="{}""#, attr(p));
                            }
                            if n.contains_target {
                                a.push_str(r#" ContainsTarget="true""#);
                            }
                            let children =
                                n.on_delete.is_some() || !n.constraints.is_empty() || !n.annotations.is_empty();
                            w.open_named(4, a, "NavigationProperty", children, |w| {
                                for c in &n.constraints {
                                    w.line(
                                        5,
                                        &format!(
                                            r#"<ReferentialConstraint Property="{}" ReferencedProperty="{}" />"#,
                                            attr(&c.property),
                                            attr(&c.referenced_property)
                                        ),
                                    );
                                }
                                if let Some(d) = n.on_delete {
                                    w.line(5, &format!(r#"<OnDelete Action="{}" />"#, d.as_str()));
                                }
                                w.annotations(5, &n.annotations);
                            });
                        }
                        w.annotations(4, &t.annotations);
                    });
                }
            }
        }
        let mut ops: Vec<_> = model.operations.iter().filter(|o| &o.namespace == ns).collect();
        ops.sort_by_cached_key(|o| {
            (o.name.clone(), o.kind, o.parameters.iter().map(|p| ty(&p.ty)).collect::<Vec<_>>())
        });
        for o in ops {
            let element = match o.kind {
                OperationKind::Action => "Action",
                OperationKind::Function => "Function",
            };
            let mut a = format!(r#"<{element} Name="{}""#, attr(&o.name));
            if o.is_bound {
                a.push_str(r#" IsBound="true""#);
            }
            if o.is_composable {
                a.push_str(r#" IsComposable="true""#);
            }
            if let Some(p) = &o.entity_set_path {
                let _ = write!(a, r#" EntitySetPath="{}""#, attr(p));
            }
            w.open_named(3, a, element, true, |w| {
                for p in &o.parameters {
                    let a = format!(
                        r#"<Parameter Name="{}" Type="{}"{}"#,
                        attr(&p.name),
                        attr(&ty(&p.ty)),
                        facet_attrs(&p.facets)
                    );
                    w.open(4, a, !p.annotations.is_empty(), |w| w.annotations(5, &p.annotations));
                }
                if let Some(r) = &o.return_type {
                    w.line(4, &format!(r#"<ReturnType Type="{}"{} />"#, attr(&ty(&r.ty)), facet_attrs(&r.facets)));
                }
                w.annotations(4, &o.annotations);
            });
        }
        let mut terms: Vec<_> = model.terms.iter().filter(|t| &t.namespace == ns).collect();
        terms.sort_by(|a, b| a.name.cmp(&b.name));
        for t in terms {
            let mut a = format!(r#"<Term Name="{}" Type="{}"{}"#, attr(&t.name), attr(&t.ty), facet_attrs(&t.facets));
            for (k, v) in [("BaseTerm", &t.base_term), ("DefaultValue", &t.default_value), ("AppliesTo", &t.applies_to)]
            {
                if let Some(v) = v {
                    let _ = write!(a, r#" {k}="{}""#, attr(v));
                }
            }
            w.open(3, a, !t.annotations.is_empty(), |w| w.annotations(4, &t.annotations));
        }
        if let Some(c) = model.container.as_ref().filter(|c| &c.namespace == ns) {
            w.line(3, &format!(r#"<EntityContainer Name="{}">"#, attr(&c.name)));
            let mut sets: Vec<_> = c
                .entity_sets
                .iter()
                .map(|s| ("EntitySet", "EntityType", s))
                .chain(c.singletons.iter().map(|s| ("Singleton", "Type", s)))
                .collect();
            sets.sort_by(|a, b| (a.0, &a.2.name).cmp(&(b.0, &b.2.name)));
            for (element, type_attr, s) in sets {
                let mut a =
                    format!(r#"<{element} Name="{}" {type_attr}="{}""#, attr(&s.name), attr(&names[s.ty.0 as usize]));
                if let Some(v) = s.include_in_service_document {
                    let _ = write!(a, r#" IncludeInServiceDocument="{v}""#);
                }
                let mut bindings = s.bindings.clone();
                bindings.sort();
                w.open_named(4, a, element, !bindings.is_empty() || !s.annotations.is_empty(), |w| {
                    for (path, target) in &bindings {
                        w.line(
                            5,
                            &format!(
                                r#"<NavigationPropertyBinding Path="{}" Target="{}" />"#,
                                attr(path),
                                attr(target)
                            ),
                        );
                    }
                    w.annotations(5, &s.annotations);
                });
            }
            let mut imports: Vec<_> = c.imports.iter().collect();
            imports.sort_by(|a, b| a.name.cmp(&b.name));
            for i in imports {
                let (element, op_attr) = match i.kind {
                    OperationKind::Action => ("ActionImport", "Action"),
                    OperationKind::Function => ("FunctionImport", "Function"),
                };
                let mut a = format!(r#"<{element} Name="{}" {op_attr}="{}""#, attr(&i.name), attr(&i.operation));
                if let Some(es) = &i.entity_set {
                    let _ = write!(a, r#" EntitySet="{}""#, attr(es));
                }
                if let Some(v) = i.include_in_service_document {
                    let _ = write!(a, r#" IncludeInServiceDocument="{v}""#);
                }
                w.open(4, a, !i.annotations.is_empty(), |w| w.annotations(5, &i.annotations));
            }
            w.annotations(4, &c.annotations);
            w.line(3, "</EntityContainer>");
        }
        w.annotations(3, &s.annotations);
        w.line(2, "</Schema>");
    }
    w.line(1, "</edmx:DataServices>");
    w.line(0, "</edmx:Edmx>");
    w.out
}

#[derive(Default)]
struct Writer {
    out: String,
}

impl Writer {
    fn line(&mut self, depth: usize, text: &str) {
        for _ in 0..depth {
            self.out.push_str("  ");
        }
        self.out.push_str(text);
        self.out.push('\n');
    }

    /// Writes `<Tag attrs />`, or `<Tag attrs>` children `</Tag>`; the element name is the
    /// first word of `start`.
    fn open(&mut self, depth: usize, start: String, has_children: bool, body: impl FnOnce(&mut Self)) {
        let name = start[1..].split([' ', '>']).next().unwrap_or("").to_string();
        self.open_named(depth, start, &name, has_children, body);
    }

    fn open_named(
        &mut self,
        depth: usize,
        start: String,
        name: &str,
        has_children: bool,
        body: impl FnOnce(&mut Self),
    ) {
        if has_children {
            self.line(depth, &format!("{start}>"));
            body(self);
            self.line(depth, &format!("</{name}>"));
        } else {
            self.line(depth, &format!("{start} />"));
        }
    }

    fn annotations(&mut self, depth: usize, anns: &Annotations) {
        let mut list: Vec<&Annotation> = anns.0.iter().collect();
        list.sort_by(|a, b| (&a.term, &a.qualifier).cmp(&(&b.term, &b.qualifier)));
        for a in list {
            let mut start = format!(r#"<Annotation Term="{}""#, attr(&a.term));
            if let Some(q) = &a.qualifier {
                let _ = write!(start, r#" Qualifier="{}""#, attr(q));
            }
            match &a.value {
                None => self.line(depth, &format!("{start} />")),
                Some(e) => match inline_expr(e) {
                    Some(inline) => self.line(depth, &format!("{start} {inline} />")),
                    None => {
                        self.line(depth, &format!("{start}>"));
                        self.expr(depth + 1, e);
                        self.line(depth, "</Annotation>");
                    }
                },
            }
        }
    }

    fn expr(&mut self, depth: usize, e: &Expr) {
        match e {
            Expr::Collection(items) => {
                if items.is_empty() {
                    self.line(depth, "<Collection />");
                    return;
                }
                self.line(depth, "<Collection>");
                for i in items {
                    self.expr(depth + 1, i);
                }
                self.line(depth, "</Collection>");
            }
            Expr::Record(r) => {
                let ty = r.ty.as_ref().map(|t| format!(r#" Type="{}""#, attr(t))).unwrap_or_default();
                if r.properties.is_empty() {
                    self.line(depth, &format!("<Record{ty} />"));
                    return;
                }
                self.line(depth, &format!("<Record{ty}>"));
                for p in &r.properties {
                    match inline_expr(&p.value) {
                        Some(inline) => self.line(
                            depth + 1,
                            &format!(r#"<PropertyValue Property="{}" {inline} />"#, attr(&p.property)),
                        ),
                        None => {
                            self.line(depth + 1, &format!(r#"<PropertyValue Property="{}">"#, attr(&p.property)));
                            self.expr(depth + 2, &p.value);
                            self.line(depth + 1, "</PropertyValue>");
                        }
                    }
                }
                self.line(depth, "</Record>");
            }
            Expr::Null | Expr::Dynamic(_) => self.line(depth, "<Null />"),
            other => {
                let (name, value) = constant_parts(other).unwrap_or(("Null", String::new()));
                self.line(depth, &format!("<{name}>{}</{name}>", text(&value)));
            }
        }
    }
}

fn constant_parts(e: &Expr<'_>) -> Option<(&'static str, String)> {
    Some(match e {
        Expr::String(s) => ("String", s.to_string()),
        Expr::Bool(b) => ("Bool", b.to_string()),
        Expr::Int(i) => ("Int", i.to_string()),
        Expr::Float(f) => ("Float", f.to_string()),
        Expr::Decimal(d) => ("Decimal", d.to_string()),
        Expr::Constant(k, v) => (k, v.to_string()),
        Expr::EnumMember(m) => ("EnumMember", m.to_string()),
        Expr::Path(k, v) => (k, v.to_string()),
        _ => return None,
    })
}

fn inline_expr(e: &Expr) -> Option<String> {
    let (name, value) = constant_parts(e)?;
    Some(format!(r#"{name}="{}""#, attr(&value)))
}

fn facet_attrs(f: &Facets) -> String {
    let mut s = String::new();
    if let Some(n) = f.nullable {
        let _ = write!(s, r#" Nullable="{n}""#);
    }
    match f.max_length {
        Some(MaxLength::Value(n)) => {
            let _ = write!(s, r#" MaxLength="{n}""#);
        }
        Some(MaxLength::Max) => s.push_str(r#" MaxLength="max""#),
        None => {}
    }
    if let Some(p) = f.precision {
        let _ = write!(s, r#" Precision="{p}""#);
    }
    match f.scale {
        Some(Scale::Value(n)) => {
            let _ = write!(s, r#" Scale="{n}""#);
        }
        Some(Scale::Variable) => s.push_str(r#" Scale="variable""#),
        Some(Scale::Floating) => s.push_str(r#" Scale="floating""#),
        None => {}
    }
    match f.srid {
        Some(Srid::Value(n)) => {
            let _ = write!(s, r#" SRID="{n}""#);
        }
        Some(Srid::Variable) => s.push_str(r#" SRID="variable""#),
        None => {}
    }
    if let Some(u) = f.unicode {
        let _ = write!(s, r#" Unicode="{u}""#);
    }
    s
}

/// Escapes an attribute value; line breaks and tabs as character references so that
/// attribute-value normalization on reading gives them back.
fn attr(v: &str) -> String {
    let escaped = quick_xml::escape::escape(v);
    if escaped.contains(['\n', '\r', '\t']) {
        escaped.replace('\n', "&#10;").replace('\r', "&#13;").replace('\t', "&#9;")
    } else {
        escaped.into_owned()
    }
}

fn text(v: &str) -> String {
    let escaped = quick_xml::escape::escape(v);
    escaped.replace('\r', "&#13;")
}
