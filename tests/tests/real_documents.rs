//! The real Microsoft Graph beta documents: read and resolved with no error, counts equal to a
//! plain scan of the XML, and the callRecords closure as expected.

use std::collections::BTreeMap;

use codegen::model::prune::prune;
use codegen::model::TypeKind;

/// Counts made without the reader: split the text at `<Schema ` and count start tags.
fn independent_counts(text: &str) -> (BTreeMap<String, [usize; 7]>, usize, usize) {
    let mut out = BTreeMap::new();
    for part in text.split("<Schema ").skip(1) {
        let ns_start = part.find("Namespace=\"").expect("schema has a namespace") + 11;
        let ns = &part[ns_start..ns_start + part[ns_start..].find('"').unwrap()];
        let body = &part[..part.find("</Schema>").unwrap_or(part.len())];
        let count = |tag: &str| body.matches(&format!("<{tag} ")).count();
        out.insert(
            ns.to_string(),
            [
                count("EntityType"),
                count("ComplexType"),
                count("EnumType"),
                count("TypeDefinition"),
                count("Function"),
                count("Action"),
                count("Term"),
            ],
        );
    }
    (out, text.matches("<EntitySet ").count(), text.matches("<Singleton ").count())
}

#[test]
fn every_graph_document_reads_with_the_counts_of_a_plain_scan() {
    let docs = tests::graph_documents();
    for path in docs {
        let bytes = std::fs::read(&path).unwrap();
        let name = path.display().to_string();
        let (model, diags) = codegen::load(&name, &bytes);
        let errors: Vec<String> = diags.iter().filter(|d| d.is_error()).map(|d| d.to_string()).collect();
        assert!(errors.is_empty(), "{name}: {}", errors.join("\n"));
        let model = model.expect("document read");
        let (expected, sets, singletons) = independent_counts(std::str::from_utf8(&bytes).unwrap());
        let got: BTreeMap<String, [usize; 7]> = model
            .counts()
            .into_iter()
            .map(|(ns, c)| {
                (
                    ns,
                    [
                        c.entity_types,
                        c.complex_types,
                        c.enum_types,
                        c.type_definitions,
                        c.functions,
                        c.actions,
                        c.terms,
                    ],
                )
            })
            .collect();
        assert_eq!(got, expected, "{name}");
        let c = model.container.as_ref().expect("Graph has a container");
        assert_eq!((c.entity_sets.len(), c.singletons.len()), (sets, singletons), "{name}");
    }
}

#[test]
fn graph_2021_counts_match_the_published_figures() {
    let Some(path) = tests::graph_2021() else { return };
    let bytes = std::fs::read(path).unwrap();
    let (model, _) = codegen::load("graph", &bytes);
    let model = model.unwrap();
    let counts = model.counts();
    let g = counts["microsoft.graph"];
    assert_eq!(
        (g.entity_types, g.complex_types, g.enum_types, g.functions, g.actions, g.terms),
        (1252, 1219, 822, 331, 896, 8)
    );
    let cr = counts["microsoft.graph.callRecords"];
    assert_eq!((cr.entity_types, cr.complex_types, cr.enum_types, cr.functions), (3, 15, 12, 2));
    let c = model.container.as_ref().unwrap();
    assert_eq!((c.entity_sets.len(), c.singletons.len()), (73, 35));
    // Annotations reach their targets: Graph describes many types and properties.
    let described = model.types.iter().filter(|t| t.annotations.description().is_some()).count();
    assert!(described > 100, "only {described} described types");
    let user = model.ty(model.lookup("microsoft.graph.user").unwrap());
    assert_eq!(model.key(model.lookup("microsoft.graph.user").unwrap()), Some(vec!["id".to_string()]));
    assert!(matches!(user.kind, TypeKind::Structured(_)));
    // Bound operations are indexed by binding type.
    let call_record = model.lookup("microsoft.graph.callRecords.callRecord").unwrap();
    let mut bound: Vec<String> = model.bound_to(call_record).map(|o| o.name.to_string()).collect();
    bound.sort();
    assert_eq!(bound, ["getDirectRoutingCalls", "getPstnCalls"]);
}

#[test]
fn the_call_records_closure_holds_the_namespace_and_the_path_to_it() {
    let Some(path) = tests::graph_2021() else { return };
    let bytes = std::fs::read(path).unwrap();
    let (model, _) = codegen::load("graph", &bytes);
    let model = model.unwrap();
    let pruned = prune(&model, "microsoft.graph.callRecords").unwrap();
    let names: Vec<String> = pruned.types.iter().map(|t| t.qualified()).collect();
    for want in [
        "microsoft.graph.callRecords.callRecord",
        "microsoft.graph.callRecords.session",
        "microsoft.graph.callRecords.segment",
        "microsoft.graph.callRecords.media",
        "microsoft.graph.callRecords.mediaStream",
        "microsoft.graph.callRecords.participantEndpoint",
        "microsoft.graph.callRecords.serviceUserAgent",
        "microsoft.graph.callRecords.pstnCallLogRow",
        "microsoft.graph.entity",
        "microsoft.graph.identitySet",
        "microsoft.graph.identity",
        "microsoft.graph.userIdentity",
        "microsoft.graph.cloudCommunications",
    ] {
        assert!(names.iter().any(|n| n == want), "{want} missing from {names:?}");
    }
    // Derived types of a base reached only as a base are not pulled in.
    for absent in ["microsoft.graph.user", "microsoft.graph.call", "microsoft.graph.onlineMeeting"] {
        assert!(!names.iter().any(|n| n == absent), "{absent} should not be in the closure");
    }
    let c = pruned.container.as_ref().unwrap();
    assert!(c.entity_sets.is_empty());
    assert_eq!(c.singletons.iter().map(|s| &*s.name).collect::<Vec<_>>(), ["communications"]);
    let comms = pruned.ty(pruned.lookup("microsoft.graph.cloudCommunications").unwrap()).structured().unwrap();
    assert_eq!(comms.navigation.iter().map(|n| &*n.name).collect::<Vec<_>>(), ["callRecords"]);
    assert_eq!(pruned.operations.len(), 2);
    // Every reference inside the closure resolves inside it.
    let text = codegen::model::write::write(&pruned);
    let (again, diags) = codegen::load("pruned", text.as_bytes());
    assert!(diags.0.is_empty(), "{:?}", diags.0);
    assert_eq!(again.unwrap().types.len(), pruned.types.len());
}
