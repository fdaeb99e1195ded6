//! What a service says it serves (Capabilities restrictions on entity sets, singletons,
//! navigation properties, `NavigationRestrictions/RestrictedProperties` and path targets, in
//! the service document or in an annotation document beside it) decides what its client offers.

use codegen::model::{Model, TypeId};
use codegen::plan::client::{served, Served};
use codegen::Document;

fn type_id(model: &Model, qualified: &str) -> TypeId {
    model.lookup(qualified).unwrap_or_else(|| panic!("{qualified} not in the model"))
}

fn served_in(docs: &[Document<'_>], qualified: &str) -> Served {
    let (model, diags) = codegen::load_set(docs);
    assert!(!diags.has_errors(), "{diags:?}");
    let model = model.unwrap();
    served(&model, type_id(&model, qualified), true)
}

/// A service of orders with items (contained) and a read-only catalog of products.
const SERVICE: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx">
  <edmx:Reference Uri="https://oasis-tcs.github.io/odata-vocabularies/vocabularies/Org.OData.Capabilities.V1.xml">
    <edmx:Include Namespace="Org.OData.Capabilities.V1" Alias="Capabilities" />
  </edmx:Reference>
  <edmx:DataServices>
    <Schema Namespace="Shop" xmlns="http://docs.oasis-open.org/odata/ns/edm">
      <EntityType Name="Order">
        <Key><PropertyRef Name="ID" /></Key>
        <Property Name="ID" Type="Edm.Int32" Nullable="false" />
        <NavigationProperty Name="Items" Type="Collection(Shop.Item)" ContainsTarget="true" />
        <NavigationProperty Name="Notes" Type="Collection(Shop.Note)" ContainsTarget="true" />
      </EntityType>
      <EntityType Name="Item">
        <Key><PropertyRef Name="ID" /></Key>
        <Property Name="ID" Type="Edm.Int32" Nullable="false" />
      </EntityType>
      <EntityType Name="Note">
        <Key><PropertyRef Name="ID" /></Key>
        <Property Name="ID" Type="Edm.Int32" Nullable="false" />
      </EntityType>
      <EntityType Name="Product">
        <Key><PropertyRef Name="ID" /></Key>
        <Property Name="ID" Type="Edm.Int32" Nullable="false" />
      </EntityType>
      <EntityContainer Name="Container">
        <EntitySet Name="Orders" EntityType="Shop.Order">
          <Annotation Term="Capabilities.ExpandRestrictions">
            <Record>
              <PropertyValue Property="NonExpandableProperties">
                <Collection><NavigationPropertyPath>Notes</NavigationPropertyPath></Collection>
              </PropertyValue>
            </Record>
          </Annotation>
          <Annotation Term="Capabilities.SortRestrictions">
            <Record>
              <PropertyValue Property="NonSortableProperties">
                <Collection><PropertyPath>ID</PropertyPath></Collection>
              </PropertyValue>
            </Record>
          </Annotation>
          <Annotation Term="Capabilities.NavigationRestrictions">
            <Record>
              <PropertyValue Property="RestrictedProperties">
                <Collection>
                  <Record>
                    <PropertyValue Property="NavigationProperty" NavigationPropertyPath="Items" />
                    <PropertyValue Property="InsertRestrictions">
                      <Record><PropertyValue Property="Insertable" Bool="false" /></Record>
                    </PropertyValue>
                    <PropertyValue Property="CountRestrictions">
                      <Record><PropertyValue Property="Countable" Bool="false" /></Record>
                    </PropertyValue>
                  </Record>
                </Collection>
              </PropertyValue>
            </Record>
          </Annotation>
        </EntitySet>
        <EntitySet Name="Products" EntityType="Shop.Product">
          <Annotation Term="Capabilities.InsertRestrictions">
            <Record><PropertyValue Property="Insertable" Bool="false" /></Record>
          </Annotation>
          <Annotation Term="Capabilities.DeleteRestrictions">
            <Record><PropertyValue Property="Deletable" Bool="false" /></Record>
          </Annotation>
        </EntitySet>
      </EntityContainer>
    </Schema>
  </edmx:DataServices>
</edmx:Edmx>
"#;

fn doc<'s>(name: &str, text: &'s str) -> Document<'s> {
    Document { name: name.to_string(), bytes: text.as_bytes() }
}

#[test]
fn restrictions_on_sets_and_restricted_navigation_properties_leave_operations_out() {
    let docs = [doc("svc/$metadata", SERVICE)];
    let products = served_in(&docs, "Shop.Product");
    assert_eq!((products.insert, products.update, products.delete, products.count), (false, true, false, true));
    assert!(products.left_out_collection[0].contains("`InsertRestrictions/Insertable` false on entity set `Products`"));
    assert!(products.left_out_item[0].contains("`DeleteRestrictions/Deletable` false on entity set `Products`"));

    let items = served_in(&docs, "Shop.Item");
    assert_eq!((items.insert, items.update, items.delete, items.count), (false, true, true, false));
    assert!(items.left_out_collection.iter().any(|l| l.contains("navigation property `Order/Items`")), "{items:?}");

    // Sorting and expanding restrictions are named in the docs of the collection path.
    let orders = served_in(&docs, "Shop.Order");
    assert_eq!(orders.non_expandable.iter().collect::<Vec<_>>(), ["Notes"]);
    assert_eq!(orders.non_sortable.iter().collect::<Vec<_>>(), ["ID"]);
    assert!(orders.left_out_collection.iter().any(|l| l.starts_with("expanding `Notes`")), "{orders:?}");

    // Nothing restricts notes: everything is offered.
    let notes = served_in(&docs, "Shop.Note");
    assert_eq!((notes.insert, notes.update, notes.delete, notes.count), (true, true, true, true));
    assert!(notes.left_out_item.is_empty() && notes.left_out_collection.is_empty());
}

/// An annotation document beside the service, in the form SAP annotation files take: it
/// references the service document and targets its items, here by paths through the container.
const ANNOTATIONS: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx">
  <edmx:Reference Uri="$metadata">
    <edmx:Include Namespace="Shop" Alias="S" />
  </edmx:Reference>
  <edmx:Reference Uri="https://oasis-tcs.github.io/odata-vocabularies/vocabularies/Org.OData.Capabilities.V1.xml">
    <edmx:Include Namespace="Org.OData.Capabilities.V1" Alias="Capabilities" />
  </edmx:Reference>
  <edmx:Reference Uri="https://oasis-tcs.github.io/odata-vocabularies/vocabularies/Org.OData.Core.V1.xml">
    <edmx:Include Namespace="Org.OData.Core.V1" Alias="Core" />
  </edmx:Reference>
  <edmx:DataServices>
    <Schema Namespace="Shop.Annotations" xmlns="http://docs.oasis-open.org/odata/ns/edm">
      <Annotations Target="S.Container/Orders/Notes">
        <Annotation Term="Capabilities.UpdateRestrictions">
          <Record><PropertyValue Property="Updatable" Bool="false" /></Record>
        </Annotation>
        <Annotation Term="Capabilities.DeleteRestrictions">
          <Record><PropertyValue Property="Deletable" Bool="false" /></Record>
        </Annotation>
      </Annotations>
      <Annotations Target="S.Product">
        <Annotation Term="Core.Description" String="A product of the catalog." />
      </Annotations>
      <Annotations Target="S.Container/Orders/Gone">
        <Annotation Term="Capabilities.DeleteRestrictions">
          <Record><PropertyValue Property="Deletable" Bool="false" /></Record>
        </Annotation>
      </Annotations>
    </Schema>
  </edmx:DataServices>
</edmx:Edmx>
"#;

#[test]
fn an_annotation_document_beside_the_service_applies_as_if_the_service_held_it() {
    let docs = [doc("svc/$metadata", SERVICE), doc("svc/annotations.xml", ANNOTATIONS)];
    let (model, diags) = codegen::load_set(&docs);
    let model = model.unwrap();
    let notes = served(&model, type_id(&model, "Shop.Note"), true);
    assert_eq!((notes.insert, notes.update, notes.delete), (true, false, false));
    assert!(notes.left_out_item.iter().all(|l| l.contains("navigation property `Order/Notes`")), "{notes:?}");
    // Every annotation applies, the description too.
    let product = model.ty(type_id(&model, "Shop.Product"));
    assert_eq!(product.annotations.description(), Some("A product of the catalog."));
    // A target that does not exist is a warning located in the annotation document.
    let warning =
        diags.iter().find(|d| d.to_string().contains("Orders/Gone")).expect("a warning for the missing target");
    assert!(!warning.is_error());
    let text = warning.to_string();
    assert!(text.contains("svc/annotations.xml:") && text.contains("not found"), "{text}");

    // Turned off, every operation is offered again.
    let all = served(&model, type_id(&model, "Shop.Note"), false);
    assert!(all.update && all.delete && all.left_out_item.is_empty());
}

#[test]
fn include_annotations_takes_only_the_terms_it_names() {
    // The service references the annotation document for Capabilities terms only.
    let service = SERVICE.replace(
        "<edmx:DataServices>",
        r#"<edmx:Reference Uri="annotations.xml">
    <edmx:IncludeAnnotations TermNamespace="Org.OData.Capabilities.V1" />
  </edmx:Reference>
  <edmx:DataServices>"#,
    );
    let docs = [doc("svc/$metadata", &service), doc("svc/annotations.xml", ANNOTATIONS)];
    let (model, _) = codegen::load_set(&docs);
    let model = model.unwrap();
    assert!(!served(&model, type_id(&model, "Shop.Note"), true).update, "the Capabilities terms apply");
    assert_eq!(model.ty(type_id(&model, "Shop.Product")).annotations.description(), None, "Core is not included");

    // Included for another vocabulary only: no restriction applies.
    let service = service.replace("TermNamespace=\"Org.OData.Capabilities.V1\"", "TermNamespace=\"Org.OData.Core.V1\"");
    let docs = [doc("svc/$metadata", &service), doc("svc/annotations.xml", ANNOTATIONS)];
    let (model, _) = codegen::load_set(&docs);
    let model = model.unwrap();
    assert!(served(&model, type_id(&model, "Shop.Note"), true).update);
    assert_eq!(model.ty(type_id(&model, "Shop.Product")).annotations.description(), Some("A product of the catalog."));
}

/// The text of `impl {name} { ... }` in generated `code`.
fn impl_in(code: &str, name: &str) -> String {
    let start = code.find(&format!("impl {name} {{")).unwrap_or_else(|| panic!("impl {name}"));
    let end = code[start..].find("\n}\n").map_or(code.len(), |e| start + e);
    code[start..end].to_string()
}

#[test]
fn sap_services_show_their_own_restrictions() {
    let root = tests::workspace_root();
    let travel = root.join("tests/fixtures/services/sap-rap-travel.xml");
    let loaded = xtask::load::load_file(&travel, &Default::default()).unwrap();
    let set = loaded.set();
    // A read-only set (FlightConnection: not insertable, updatable or deletable).
    let flights = served_in(&set, "com.sap.gateway.srvd.m2_sd_travel_mduu.v0001.FlightConnectionType");
    assert_eq!((flights.insert, flights.update, flights.delete), (false, false, false));
    // Generated: the client of the service has no writes on it, and its docs say why.
    let options = codegen::Options {
        namespace: None,
        crate_options: codegen::emit::CrateOptions::new("travel", "../runtime", true),
    };
    let files = codegen::generate_set(&set, &options).unwrap().files;
    let client: String =
        files.iter().filter(|(k, _)| k.starts_with("travel-client/src/")).map(|(_, v)| v.as_str()).collect();
    let impl_of = |name: &str| impl_in(&client, name);
    assert!(!impl_of("FlightConnectionTypeCollectionPath").contains("pub fn create("));
    assert!(!impl_of("FlightConnectionTypePath").contains("pub fn update("));
    assert!(client.contains("Not offered: `create`: the service forbids it"));
    // A writable set keeps its writes.
    assert!(impl_of("TravelTypeCollectionPath").contains("pub fn create("));

    // Properties the service cannot filter by get no typed filter operand; the others do.
    let travel = served_in(&set, "com.sap.gateway.srvd.m2_sd_travel_mduu.v0001.TravelType");
    assert!(travel.non_filterable.contains("__FieldControl"), "{travel:?}");
    assert!(travel.non_sortable.contains("Memo"), "{travel:?}");
    let operands = client
        .split("filter_operands!(")
        .find(|s| s.trim_start().starts_with("TravelTypeFilter,"))
        .expect("TravelType's filter operands");
    let operands = &operands[..operands.find(");").unwrap_or(operands.len())];
    assert!(!operands.contains("\"__FieldControl\"") && operands.contains("\"TravelID\""), "{operands}");

    // The same document with restrictions ignored offers every write.
    let mut options = options;
    options.crate_options.ignore_restrictions = true;
    let files = codegen::generate_set(&set, &options).unwrap().files;
    let client: String =
        files.iter().filter(|(k, _)| k.starts_with("travel-client/src/")).map(|(_, v)| v.as_str()).collect();
    assert!(impl_in(&client, "FlightConnectionTypeCollectionPath").contains("pub fn create("));
    assert!(impl_in(&client, "FlightConnectionTypePath").contains("pub fn update("));
}

#[test]
fn an_annotation_document_given_by_file_reaches_the_service_document_once() {
    let dir = std::env::temp_dir().join(format!("odata-annotations-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("svc")).unwrap();
    std::fs::write(dir.join("svc/service.xml"), SERVICE).unwrap();
    // It names the service document by another path than the one given on the command line.
    let annotations = ANNOTATIONS.replace(r#"Uri="$metadata""#, r#"Uri="./../svc/service.xml""#);
    std::fs::write(dir.join("svc/served.xml"), annotations).unwrap();
    let loaded = xtask::load::load_with_annotations(
        &dir.join("svc/service.xml"),
        &[dir.join("svc/served.xml")],
        &Default::default(),
    )
    .unwrap();
    assert_eq!(loaded.documents.len(), 2, "{:?}", loaded.documents.iter().map(|d| &d.0).collect::<Vec<_>>());
    let (model, diags) = codegen::load_set(&loaded.set());
    assert!(!diags.has_errors(), "{diags:?}");
    let model = model.unwrap();
    assert!(!served(&model, type_id(&model, "Shop.Note"), true).update);
    let _ = std::fs::remove_dir_all(&dir);
}
