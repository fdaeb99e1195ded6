//! One small CSDL fixture per construct and one per diagnostic. Error fixtures assert the
//! message and the line; the construct fixture asserts what the reader and resolver made of it.

use codegen::csdl::ast::{Expr, MaxLength, Scale, Srid, StructuredKind};
use codegen::diag::Severity;
use codegen::model::{OperationKind, Target, TypeKind};

fn fixture(name: &str) -> (String, Vec<u8>) {
    let path = tests::workspace_root().join("tests/fixtures/csdl").join(name);
    (format!("fixtures/{name}"), std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display())))
}

/// (fixture, severity, line, part of the message)
const DIAGNOSTICS: &[(&str, Severity, u32, &str)] = &[
    ("errors/unresolved_type.xml", Severity::Error, 5, "unresolved type t.missing"),
    ("errors/base_type_cycle.xml", Severity::Error, 4, "base-type cycle: t.a -> t.b -> t.c -> t.a"),
    ("errors/duplicate_type.xml", Severity::Error, 6, "duplicate type t.a: first declared at 4:7"),
    ("errors/duplicate_property.xml", Severity::Error, 7, "duplicate property x in ComplexType a"),
    (
        "errors/bad_facet.xml",
        Severity::Error,
        5,
        "invalid value \"maybe\" for Nullable on Property: expected true or false",
    ),
    (
        "errors/navigation_target.xml",
        Severity::Error,
        9,
        "navigation property colour must target an entity type, not t.color",
    ),
    ("errors/enum_value.xml", Severity::Error, 6, "invalid value \"one\" for Value on Member: expected an integer"),
    ("errors/malformed_collection.xml", Severity::Error, 5, "malformed type \"Collection(Edm.String\""),
    ("errors/truncated.xml", Severity::Error, 6, "unexpected end of file: <ComplexType> opened at 4:7 is not closed"),
    ("errors/wrong_root.xml", Severity::Error, 2, "wrong root element <Schema>: expected <edmx:Edmx>"),
    ("errors/empty.xml", Severity::Error, 1, "empty document"),
    ("errors/invalid_utf8.xml", Severity::Error, 3, "invalid UTF-8"),
    ("errors/invalid_identifier.xml", Severity::Error, 5, "invalid identifier \"2fast\" in Name of Property"),
    ("errors/duplicate_attribute.xml", Severity::Error, 5, "duplicate attribute Type on Property"),
    ("errors/entity_bomb.xml", Severity::Error, 2, "DOCTYPE with entity declarations is not accepted"),
    // A byte order mark, CRLF, a comment and a processing instruction before the root and a
    // comment after it: read as plain UTF-8, lines counted as written.
    ("errors/bom_crlf_comments.xml", Severity::Error, 8, "unresolved type t.missing"),
    ("errors/odata_v2.xml", Severity::Error, 2, "is an OData V2/V3 document"),
    ("errors/utf16.xml", Severity::Error, 1, "the document is UTF-16LE"),
    ("lenient/lenient.xml", Severity::Warning, 4, "alias \"my-ext.v1\" is not a SimpleIdentifier"),
    ("lenient/lenient.xml", Severity::Warning, 5, "Abstract=\"True\" on EntityType: CSDL booleans are lower case"),
    ("lenient/lenient.xml", Severity::Warning, 11, "redeclares the property of the same type inherited from t.base"),
    ("lenient/lenient.xml", Severity::Warning, 12, "\"odd-name\" in Name of Property is not a CSDL SimpleIdentifier"),
    ("lenient/lenient.xml", Severity::Warning, 15, "navigation property related targets the abstract Edm.EntityType"),
    ("lenient/lenient.xml", Severity::Warning, 22, "import touchAll names t.touch, which is bound"),
    (
        "refs/main.xml",
        Severity::Warning,
        6,
        "referenced document https://example.com/vocabularies/UI.xml was not loaded",
    ),
    ("refs/main.xml", Severity::Error, 20, "supply it with `--reference https://example.com/remote/$metadata=FILE`"),
    ("errors/unknown_extensions.xml", Severity::Warning, 4, "unknown attribute v:hint on ComplexType ignored"),
    ("errors/unknown_extensions.xml", Severity::Warning, 6, "unknown element <Extension> in ComplexType ignored"),
];

#[test]
fn every_error_fixture_reports_its_message_at_its_line() {
    for &(name, severity, line, message) in DIAGNOSTICS {
        let (file, bytes) = fixture(name);
        let (_, diags) = codegen::load(&file, &bytes);
        let hit = diags.iter().find(|d| d.message.contains(message));
        let Some(d) = hit else {
            panic!("{name}: no diagnostic containing {message:?}; got {:#?}", diags.0);
        };
        assert_eq!((d.severity, d.line), (severity, line), "{name}: {d}");
        assert_eq!(d.file, file);
        assert!(d.column >= 1);
        // Every located diagnostic shows its source line, except past the end of the file.
        let rendered = d.to_string();
        assert!(rendered.contains(&format!("{file}:{line}:")), "{rendered}");
    }
}

#[test]
fn warnings_alone_do_not_fail_and_errors_are_all_collected() {
    let (file, bytes) = fixture("errors/unknown_extensions.xml");
    let (model, diags) = codegen::load(&file, &bytes);
    assert!(!diags.has_errors(), "{:?}", diags.0);
    assert_eq!(model.unwrap().types.len(), 1);

    // Several independent problems in one document are all reported.
    let text = r#"<edmx:Edmx Version="4.0" xmlns:edmx="e"><edmx:DataServices>
<Schema Namespace="t" xmlns="x">
<ComplexType Name="a"><Property Name="p" Type="t.nope" /></ComplexType>
<ComplexType Name="b"><Property Name="q" Type="Edm.Strin" Nullable="no" /></ComplexType>
</Schema></edmx:DataServices></edmx:Edmx>"#;
    let (_, diags) = codegen::load("many.xml", text.as_bytes());
    assert_eq!(diags.error_count(), 3, "{:#?}", diags.0);
    assert_eq!(diags.iter().map(|d| d.line).collect::<Vec<_>>(), [4, 3, 4]);
}

#[test]
fn a_doctype_entity_is_never_expanded_anywhere() {
    // Even an entity used in an attribute of a document without DOCTYPE is an error, not text.
    let text = r#"<edmx:Edmx Version="4.0" xmlns:edmx="e"><edmx:DataServices>
<Schema Namespace="&x;" xmlns="x" /></edmx:DataServices></edmx:Edmx>"#;
    let (_, diags) = codegen::load("entity.xml", text.as_bytes());
    assert!(diags.has_errors());
    assert_eq!(diags.0[0].line, 2);
}

#[test]
fn the_construct_fixture_reads_every_element_and_facet() {
    let (file, bytes) = fixture("constructs.xml");
    let src = codegen::diag::Source::new(&file, &bytes);
    let (doc, diags) = codegen::csdl::read(&src);
    assert!(diags.0.is_empty(), "{:#?}", diags.0);
    let doc = doc.unwrap();
    assert_eq!(doc.version, "4.01");
    assert_eq!(doc.references.len(), 2);
    assert_eq!(doc.references[0].includes[0].alias.as_deref(), Some("Core"));
    assert_eq!(doc.references[1].include_annotations[0].qualifier.as_deref(), Some("Tablet"));
    let s = &doc.schemas[0];
    assert_eq!(s.alias.as_deref(), Some("self"));
    assert_eq!(src.line_col(s.offset as usize), (10, 5));
    let item = s.entity_types.iter().find(|t| t.name == "item").unwrap();
    assert!(item.open_type && item.has_stream && !item.is_abstract);
    assert_eq!(item.base_type.as_deref(), Some("self.base"));
    let id = &s.entity_types[0].properties[0];
    assert_eq!(
        (id.facets.nullable, id.facets.max_length, id.facets.unicode),
        (Some(false), Some(MaxLength::Max), Some(false))
    );
    let amount = item.properties.iter().find(|p| p.name == "amount").unwrap();
    assert_eq!((amount.facets.precision, amount.facets.scale), (Some(10), Some(Scale::Value(2))));
    let place = item.properties.iter().find(|p| p.name == "place").unwrap();
    assert_eq!(place.facets.srid, Some(Srid::Value(4326)));
    let price = item.properties.iter().find(|p| p.name == "price").unwrap();
    assert_eq!(price.default_value.as_deref(), Some("0"));
    let owner = &item.navigation_properties[0];
    assert_eq!(owner.partner.as_deref(), Some("items"));
    assert_eq!(owner.referential_constraints[0].referenced_property, "id");
    assert!(owner.on_delete.is_some());
    assert!(item.navigation_properties[1].contains_target);
    assert_eq!(s.type_definitions[0].facets.scale, Some(Scale::Variable));
    assert!(s.enum_types[1].is_flags);
    assert_eq!(s.operations.len(), 4);
    assert_eq!(s.terms[0].applies_to.as_deref(), Some("EntityType Property"));
    let c = &s.containers[0];
    assert_eq!((c.entity_sets.len(), c.singletons.len(), c.operation_imports.len()), (2, 1, 2));
    assert_eq!(c.entity_sets[0].bindings[0].target, "owners");
    assert_eq!(s.annotation_blocks.len(), 4);
    let long = &item.annotations[0];
    assert_eq!(long.value, Some(Expr::String("An item & its parts.".into())));

    // The resolver: aliases, implicit enum values, derived index, annotations on targets.
    let (model, diags) = codegen::load(&file, &bytes);
    assert!(diags.0.is_empty(), "{:#?}", diags.0);
    let m = model.unwrap();
    let color = m.ty(m.lookup("test.core.color").unwrap());
    let TypeKind::Enum(e) = &color.kind else { panic!("color is an enum") };
    assert_eq!(e.members.iter().map(|x| x.value).collect::<Vec<_>>(), [0, 1, 7, 8]);
    assert_eq!(e.underlying, "Byte");
    assert_eq!(e.unknown_future_value(), Some(3));
    assert_eq!(e.members[2].annotations.0[0].qualifier.as_deref(), Some("Print"));
    let item_id = m.lookup("test.core.item").unwrap();
    let base_id = m.lookup("test.core.base").unwrap();
    assert_eq!(m.ancestors(item_id), [base_id]);
    assert_eq!(m.all_derived(base_id).len(), 2);
    assert_eq!(m.key(item_id), Some(vec!["id".to_string()]));
    let item = m.ty(item_id).structured().unwrap();
    assert_eq!(item.kind, StructuredKind::Entity);
    let price = item.properties.iter().find(|p| p.name == "price").unwrap();
    assert!(matches!(price.ty.target, Target::Named(t) if m.ty(t).name == "money"));
    assert!(price.annotations.computed());
    assert_eq!(price.annotations.permissions(), ["Items.Read", "Items.ReadWrite"]);
    let dep = price.annotations.deprecation().expect("deprecated");
    assert_eq!(dep.description.as_deref(), Some("Use amount."));
    let colors = item.properties.iter().find(|p| p.name == "colors").unwrap();
    assert_eq!(colors.annotations.description(), Some("The colours."));
    assert_eq!(m.ty(item_id).annotations.long_description(), Some("An item & its parts."));
    let items = &m.container.as_ref().unwrap().entity_sets[0];
    assert_eq!(items.annotations.capabilities().count(), 1);
    let cheapest: Vec<_> = m.operations.iter().filter(|o| o.name == "cheapest").collect();
    assert_eq!(cheapest.len(), 2);
    assert_eq!(cheapest.iter().filter(|o| o.annotations.description().is_some()).count(), 1);
    assert_eq!(m.bound_to(item_id).count(), 2);
    assert!(m.operations.iter().any(|o| o.kind == OperationKind::Action && !o.is_bound));
}

#[test]
fn canonical_writing_is_a_fixpoint_and_ignores_order() {
    let (file, bytes) = fixture("constructs.xml");
    let (m, _) = codegen::load(&file, &bytes);
    let once = codegen::model::write::write(&m.unwrap());
    let (m2, diags) = codegen::load("once.xml", once.as_bytes());
    assert!(diags.0.is_empty(), "{:#?}", diags.0);
    let twice = codegen::model::write::write(&m2.unwrap());
    assert_eq!(once, twice);

    // The same document with every list reversed is written the same.
    let docs = [codegen::Document { name: file.clone(), bytes: &bytes }];
    let (m3, _) = codegen::load_set_with(&docs, &mut tests::reverse_document);
    let m3 = m3.unwrap();
    assert_eq!(codegen::model::write::write(&m3), once);
}

#[test]
fn large_types_still_find_duplicates_and_every_annotation_target() {
    // Types with many members check names by hash first and annotation blocks search from the
    // member found last: both must behave as a plain search would, in any order.
    let props: String = (0..20).map(|i| format!(r#"<Property Name="p{i}" Type="Edm.String" />"#)).collect();
    let members: String = (0..20).map(|i| format!(r#"<Member Name="m{i}" />"#)).collect();
    let blocks: String = ["p19", "p0", "p10", "p11", "p0", "nope", "m5"]
        .iter()
        .map(|m| {
            let owner = if m.starts_with('m') { "e" } else { "big" };
            format!(r#"<Annotations Target="t.{owner}/{m}"><Annotation Term="Org.OData.Core.V1.Description" String="{m}" /></Annotations>"#)
        })
        .collect();
    let text = format!(
        r#"<edmx:Edmx Version="4.0" xmlns:edmx="e"><edmx:DataServices><Schema Namespace="t" xmlns="x">
<ComplexType Name="big">{props}
<Property Name="p7" Type="Edm.Int32" /></ComplexType>
<EnumType Name="e">{members}
<Member Name="m3" /></EnumType>
{blocks}
</Schema></edmx:DataServices></edmx:Edmx>"#
    );
    let (model, diags) = codegen::load("large.xml", text.as_bytes());
    let messages: Vec<(u32, &str)> = diags.iter().map(|d| (d.line, d.message.as_str())).collect();
    assert_eq!(
        messages,
        [
            (3, "duplicate property p7 in ComplexType big"),
            (5, "duplicate member m3 in enum e"),
            (6, "annotation target t.big/nope not found; its annotations are ignored"),
        ]
    );
    let model = model.unwrap();
    let TypeKind::Structured(big) = &model.ty(model.lookup("t.big").unwrap()).kind else { panic!("structured") };
    assert_eq!(big.properties.len(), 20);
    let prop = |name: &str| big.properties.iter().find(|p| p.name == name).unwrap();
    assert_eq!(prop("p7").ty.target, Target::Primitive("String"), "the first p7 is kept");
    let annotated: Vec<(&str, usize)> = big
        .properties
        .iter()
        .filter(|p| !p.annotations.is_empty())
        .map(|p| (&*p.name, p.annotations.0.len()))
        .collect();
    assert_eq!(annotated, [("p0", 2), ("p10", 1), ("p11", 1), ("p19", 1)]);
    let TypeKind::Enum(e) = &model.ty(model.lookup("t.e").unwrap()).kind else { panic!("enum") };
    assert_eq!(e.members.len(), 20);
    assert_eq!(e.members.iter().find(|m| m.name == "m5").unwrap().annotations.description(), Some("m5"));
    assert_eq!(prop("p19").annotations.description(), Some("p19"));
}

#[test]
fn navigation_errors_come_in_document_order() {
    let text = r#"<edmx:Edmx Version="4.0" xmlns:edmx="e"><edmx:DataServices><Schema Namespace="t" xmlns="x">
<ComplexType Name="c" />
<EntityType Name="a"><NavigationProperty Name="x" Type="t.c" />
<NavigationProperty Name="y" Type="t.c" /></EntityType>
<EntityType Name="b"><NavigationProperty Name="z" Type="Collection(t.c)" /></EntityType>
</Schema></edmx:DataServices></edmx:Edmx>"#;
    let (model, diags) = codegen::load("navs.xml", text.as_bytes());
    let found: Vec<(u32, &str)> = diags.iter().map(|d| (d.line, d.path.as_str())).collect();
    assert_eq!(found, [(3, "t.a/x"), (4, "t.a/y"), (5, "t.b/z")]);
    let model = model.unwrap();
    for name in ["t.a", "t.b"] {
        let TypeKind::Structured(s) = &model.ty(model.lookup(name).unwrap()).kind else { panic!("structured") };
        assert!(s.navigation.is_empty(), "{name} keeps no navigation to a complex type");
    }
}

#[test]
fn lenient_documents_generate() {
    let (file, bytes) = fixture("lenient/lenient.xml");
    let (model, diags) = codegen::load(&file, &bytes);
    assert!(!diags.has_errors(), "{:#?}", diags.0);
    let model = model.unwrap();
    let item = model.lookup("t.item").unwrap();
    let TypeKind::Structured(s) = &model.ty(item).kind else { panic!("structured") };
    // The redeclared property is the inherited one; the navigation to any entity is a value.
    assert!(s.properties.iter().all(|p| p.name != "label"));
    let related = s.properties.iter().find(|p| p.name == "related").unwrap();
    assert_eq!(related.ty.target, Target::Primitive("EntityType"));
    assert!(model.container.as_ref().unwrap().imports.is_empty());
    let options = codegen::Options {
        namespace: None,
        crate_options: codegen::emit::CrateOptions::new("lenient", "../runtime", false),
    };
    let generated = codegen::generate(&file, &bytes, &options).expect("generates");
    let spatial =
        generated.diagnostics.iter().find(|d| d.message.starts_with("Edm.GeographyPoint is generated as GeoJSON"));
    assert!(spatial.is_some_and(|d| d.message.contains("t.item/place")), "{:#?}", generated.diagnostics.0);
    assert!(generated.diagnostics.iter().any(|d| d.message.starts_with("Edm.Untyped is generated as untyped JSON")));
    let model_rs = generated.files.iter().find(|(k, _)| k.ends_with("-model/src/t.rs")).map(|(_, v)| v).unwrap();
    assert!(model_rs.contains("pub odd_name:"), "a lenient name maps to a Rust identifier");
}

#[test]
fn a_utf16_document_is_decoded_by_the_xtask() {
    let path = tests::workspace_root().join("tests/fixtures/csdl/errors/utf16.xml");
    let loaded = xtask::load::load_file(&path, &Default::default()).unwrap();
    let (model, diags) = codegen::load_set(&loaded.set());
    assert!(!diags.has_errors(), "{:#?}", diags.0);
    assert!(model.is_some());
}

#[test]
fn references_resolve_beside_the_file_and_by_mapping() {
    let dir = tests::workspace_root().join("tests/fixtures/csdl/refs");
    let refs = xtask::load::References(vec![("https://example.com/remote/$metadata".into(), dir.join("remote.xml"))]);
    let loaded = xtask::load::load_file(&dir.join("main.xml"), &refs).unwrap();
    // main, the mapped remote document and shared/types.xml (which references main back).
    assert_eq!(loaded.documents.len(), 3, "{:?}", loaded.documents.iter().map(|d| &d.0).collect::<Vec<_>>());
    let (model, diags) = codegen::load_set(&loaded.set());
    assert!(!diags.has_errors(), "{:#?}", diags.0);
    let model = model.unwrap();
    // The base type and the container it extends come from the referenced document; the
    // standard vocabulary types resolve to the built-in definitions, and only those used.
    let order = model.lookup("shop.order").unwrap();
    assert_eq!(model.ty(model.ty(order).structured().unwrap().base.unwrap()).qualified(), "shop.types.record");
    let c = model.container.as_ref().unwrap();
    let sets: Vec<&str> = c.entity_sets.iter().map(|s| &*s.name).collect();
    assert_eq!(sets, ["orders", "customers"]);
    assert!(model.lookup("Org.OData.Core.V1.Permission").is_some());
    assert!(model.lookup("Org.OData.Core.V1.Tag").is_some());
    assert!(model.lookup("Org.OData.Core.V1.Link").is_none(), "unused vocabulary types stay out");
    let options = codegen::Options {
        namespace: None,
        crate_options: codegen::emit::CrateOptions::new("refs", "../runtime", false),
    };
    assert!(codegen::generate_set(&loaded.set(), &options).is_ok());
}

#[test]
fn a_referenced_document_that_is_not_csdl_counts_as_not_loaded() {
    let main = br#"<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx">
  <edmx:Reference Uri="other.xml"><edmx:Include Namespace="o" Alias="O"/></edmx:Reference>
  <edmx:DataServices><Schema Namespace="m" xmlns="http://docs.oasis-open.org/odata/ns/edm">
    <ComplexType Name="c"><Property Name="p" Type="O.t"/></ComplexType>
    <EntityContainer Name="svc" Extends="o.base"/>
  </Schema></edmx:DataServices></edmx:Edmx>"#;
    let docs = [
        codegen::Document { name: "dir/main.xml".into(), bytes: main },
        codegen::Document { name: "dir/other.xml".into(), bytes: b"<html>not found</html>" },
    ];
    let (_, diags) = codegen::load_set(&docs);
    let by =
        |text: &str| diags.iter().find(|d| d.message.contains(text)).unwrap_or_else(|| panic!("{text}: {diags:#?}"));
    let read = by("referenced document not read: wrong root element <html>");
    assert_eq!((read.severity, read.file.as_str()), (Severity::Warning, "dir/other.xml"));
    let use_ =
        by("type O.t is in namespace o, included from the referenced document other.xml (resolved to dir/other.xml)");
    assert_eq!((use_.severity, use_.line), (Severity::Error, 4));
    let extends = by("the container extends o.base, in namespace o of the referenced document other.xml");
    assert_eq!((extends.severity, extends.line), (Severity::Error, 5));
}

#[test]
fn a_crate_prefix_that_is_no_crate_name_is_an_error_not_a_panic() {
    let (file, bytes) = fixture("constructs.xml");
    let options = codegen::Options {
        namespace: None,
        crate_options: codegen::emit::CrateOptions::new("svc-1.0", "../runtime", false),
    };
    match codegen::generate(&file, &bytes, &options) {
        Err(codegen::GenerateError::Options(m)) => assert!(m.contains("\"svc-1.0\" is not a crate name"), "{m}"),
        other => panic!("{:?}", other.map(|g| g.files.len())),
    }
}
