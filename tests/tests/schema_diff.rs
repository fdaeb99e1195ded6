//! The schema diff on the real Graph beta history: the callRecords changes of each step, their
//! classes and bump, and no change at all between a document and a reordered copy of itself.

use codegen::model::diff::{bump, diff, diff_namespace, Bump, Change};
use codegen::model::Model;

const NS: &str = "microsoft.graph.callRecords";

/// The documents are leaked: each test's models live to its end.
fn load(path: &std::path::Path) -> Model<'static> {
    let bytes = std::fs::read(path).unwrap().leak();
    let (model, diags) = codegen::load(&path.display().to_string(), bytes);
    assert!(!diags.has_errors(), "{}", path.display());
    model.expect("document read")
}

/// The document with every list of its elements reversed.
fn reversed(path: &std::path::Path) -> Model<'static> {
    let bytes = std::fs::read(path).unwrap().leak();
    let name = path.display().to_string();
    let docs = [codegen::Document { name: name.clone(), bytes }];
    let (model, diags) = codegen::load_set_with(&docs, &mut tests::reverse_document);
    assert!(!diags.has_errors(), "{name} reversed");
    model.expect("document read")
}

fn own(changes: &[Change]) -> Vec<(&'static str, String, &'static str)> {
    changes
        .iter()
        .filter(|c| c.path.strip_prefix(NS).is_some_and(|rest| rest.starts_with('.')))
        .map(|c| (c.kind.as_str(), c.path.clone(), c.class.as_str()))
        .collect()
}

fn print(step: &str, changes: &[Change]) {
    eprintln!("{step}:");
    for c in changes {
        eprintln!("  {} {} {} ({})", c.kind.as_str(), c.path, c.class.as_str(), c.detail);
    }
}

#[test]
fn call_records_history() {
    let docs = tests::graph_documents();
    if docs.is_empty() {
        return;
    }
    let models: Vec<Model> = docs.iter().map(|p| load(p)).collect();
    let [feb, aug, jul] = &models[..] else { panic!("expected three Graph documents, found {}", models.len()) };
    let p = |s: &str| format!("{NS}.{s}");

    let first = diff_namespace(feb, aug, NS);
    print("2020-02-26 -> 2020-08-04", &first);
    assert_eq!(
        own(&first),
        vec![
            ("type_added", p("directRoutingLogRow"), "additive"),
            ("operation_added", p("getDirectRoutingCalls"), "additive"),
            ("operation_added", p("getPstnCalls"), "additive"),
            ("type_added", p("pstnCallLogRow"), "additive"),
            ("enum_member_added", p("serviceRole/voicemail"), "additive"),
            ("enum_member_added", p("wifiBand/frequency60GHz"), "additive"),
            // 2020-02 had no sentinel on wifiBand.
            ("enum_member_added", p("wifiBand/unknownFutureValue"), "additive"),
        ]
    );
    let voicemail = first.iter().find(|c| c.path == p("serviceRole/voicemail")).unwrap();
    assert!(voicemail.detail.contains("before unknownFutureValue"), "{}", voicemail.detail);
    assert!(voicemail.detail.contains("renumbered (unknownFutureValue 20 -> 21)"), "{}", voicemail.detail);
    assert_eq!(bump(&first, 0), Bump::Patch);

    let second = diff_namespace(aug, jul, NS);
    print("2020-08-04 -> 2021-07-13", &second);
    assert_eq!(
        own(&second),
        vec![
            ("type_added", p("pstnCallDurationSource"), "additive"),
            ("property_added", p("pstnCallLogRow/callDurationSource"), "additive"),
            ("property_added", p("pstnCallLogRow/operator"), "additive"),
        ]
    );
    // The closure also reaches microsoft.graph.identitySet (callRecord.organizer), which gained
    // its first derived types: its properties become `AnyIdentitySet`, a breaking change.
    let breaking: Vec<(&str, &str)> =
        second.iter().filter(|c| c.class.as_str() == "breaking").map(|c| (c.kind.as_str(), c.path.as_str())).collect();
    assert_eq!(breaking, [("derived_type_added", "microsoft.graph.identitySet")]);
    assert_eq!(bump(&second, 0), Bump::Minor);
    assert_eq!(bump(&second, 1), Bump::Major);
}

#[test]
fn a_document_against_itself_and_a_reordered_copy_has_no_change() {
    for path in tests::graph_documents() {
        let model = load(&path);
        assert_eq!(diff(&model, &model), [], "{}", path.display());
        let shuffled = reversed(&path);
        assert_eq!(diff(&model, &shuffled), [], "{} reversed", path.display());
        assert_eq!(diff(&shuffled, &model), [], "{} reversed", path.display());
    }
}

#[test]
fn json_report_has_the_documented_shape() {
    let docs = tests::graph_documents();
    let [feb, aug, ..] = &docs[..] else { return };
    let changes = diff_namespace(&load(feb), &load(aug), NS);
    let text = xtask::schema_diff::json(&changes);
    let value: serde_json::Value = serde_json::from_str(&text).expect("valid JSON");
    assert_eq!(value["bump"], "patch");
    let items = value["changes"].as_array().expect("changes is a list");
    assert_eq!(items.len(), changes.len());
    let keys: Vec<&str> = ["\"kind\"", "\"path\"", "\"class\"", "\"detail\""].into_iter().collect();
    let first_line = text.lines().find(|l| l.contains("\"kind\"")).unwrap();
    let positions: Vec<usize> = keys.iter().map(|k| first_line.find(k).unwrap()).collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "{first_line}");
    assert_eq!(items[0]["kind"], changes[0].kind.as_str());
    assert!(xtask::schema_diff::text(&changes).ends_with("Version bump for 0.x crates: patch"));
}

/// The properties declared on `ty` in `model` (empty when it is not a structured type).
fn declared(model: &Model, ty: &str) -> Vec<String> {
    model
        .types
        .iter()
        .find(|t| t.qualified() == ty)
        .map(|t| match &t.kind {
            codegen::model::TypeKind::Structured(s) => s.properties.iter().map(|p| p.name.to_string()).collect(),
            _ => Vec::new(),
        })
        .unwrap_or_default()
}

/// The properties `ty` inherits in `model`: those declared on its ancestors.
fn inherited(model: &Model, ty: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = model.types.iter().find(|t| t.qualified() == ty);
    for _ in 0..model.types.len() {
        let Some(codegen::model::TypeKind::Structured(s)) = cur.map(|t| &t.kind) else { break };
        let Some(base) = s.base else { break };
        let b = model.ty(base);
        out.extend(declared(model, &b.qualified()));
        cur = Some(b);
    }
    out
}

#[test]
fn properties_moved_into_a_new_base_type_are_not_removals() {
    let docs = tests::graph_documents();
    let [feb, _, jul] = &docs[..] else { return };
    let (old, new) = (load(feb), load(jul));
    let changes = diff(&old, &new);
    // Types that moved under a new base type keeping every ancestor they had.
    let rebased: Vec<&str> = changes
        .iter()
        .filter(|c| c.kind.as_str() == "base_type_changed" && c.class.as_str() == "additive")
        .map(|c| c.path.as_str())
        .collect();
    assert!(rebased.contains(&"microsoft.graph.detectedSensitiveContent"), "{rebased:?}");
    let mut moved = Vec::new();
    for ty in &rebased {
        let now = declared(&new, ty);
        let inherited = inherited(&new, ty);
        for p in declared(&old, ty).into_iter().filter(|p| !now.contains(p) && inherited.contains(p)) {
            moved.push(format!("{ty}/{p}"));
        }
    }
    // detectedSensitiveContent's properties went up into detectedSensitiveContentBase: the XML
    // no longer declares them on the type, the generated struct still has every one.
    assert!(moved.iter().any(|m| m.starts_with("microsoft.graph.detectedSensitiveContent/")), "{moved:?}");
    for m in &moved {
        assert!(
            !changes.iter().any(|c| &c.path == m && c.kind.as_str() == "property_removed"),
            "{m} reported as removed although the flattened struct keeps it"
        );
    }
    // The callRecords closure over the same two years: nothing of the namespace is removed.
    let own_changes = diff_namespace(&old, &new, NS);
    assert!(!own(&own_changes).iter().any(|(kind, _, _)| kind.ends_with("_removed")), "{:?}", own(&own_changes));
}

/// The changes between the fixture pair `tests/fixtures/diff/{name}.old.xml` and `.new.xml`.
fn fixture_pair(name: &str) -> Vec<Change> {
    let dir = tests::workspace_root().join("tests/fixtures/diff");
    diff(&load(&dir.join(format!("{name}.old.xml"))), &load(&dir.join(format!("{name}.new.xml"))))
}

fn summary(changes: &[Change]) -> Vec<(&'static str, &str, &'static str)> {
    changes.iter().map(|c| (c.kind.as_str(), c.path.as_str(), c.class.as_str())).collect()
}

#[test]
fn fixture_properties_moved_into_a_new_base_type() {
    let changes = fixture_pair("moved-into-new-base");
    assert_eq!(
        summary(&changes),
        [
            ("base_type_changed", "diff.directRow", "additive"),
            ("base_type_changed", "diff.pstnRow", "additive"),
            ("type_added", "diff.row", "additive"),
        ]
    );
    assert_eq!(bump(&changes, 0), Bump::Patch);
}

#[test]
fn fixture_property_moved_from_a_base_into_every_derived_type() {
    let changes = fixture_pair("moved-into-derived");
    assert_eq!(summary(&changes), [("property_removed", "diff.endpoint/userAgent", "breaking")]);
    assert!(changes[0].detail.contains("moved to the derived types diff.participantEndpoint, diff.serviceEndpoint"));
    assert_eq!(bump(&changes, 0), Bump::Minor);
}

#[test]
fn fixture_first_derived_type_stays_breaking() {
    let changes = fixture_pair("first-derived");
    assert_eq!(
        summary(&changes),
        [("derived_type_added", "diff.identity", "breaking"), ("type_added", "diff.userIdentity", "additive")]
    );
    assert!(changes[0].advice().is_some_and(|a| a.contains("Any*")));
    assert_eq!(bump(&changes, 0), Bump::Minor);
}
