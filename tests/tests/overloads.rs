//! Operation overloads: one client method per overload; the one with the fewest parameters
//! gets the plain name, the others a number by parameter count (README, "Naming rules").

const CSDL: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx">
  <edmx:DataServices>
    <Schema Namespace="ov" xmlns="http://docs.oasis-open.org/odata/ns/edm">
      <EntityType Name="item">
        <Key><PropertyRef Name="id"/></Key>
        <Property Name="id" Type="Edm.String" Nullable="false"/>
      </EntityType>
      <!-- Declared with the most parameters first: the order in the document does not matter. -->
      <Function Name="report" IsBound="true">
        <Parameter Name="bp" Type="ov.item"/>
        <Parameter Name="from" Type="Edm.Int32"/>
        <Parameter Name="to" Type="Edm.Int32"/>
        <ReturnType Type="Edm.String"/>
      </Function>
      <Function Name="report" IsBound="true">
        <Parameter Name="bp" Type="ov.item"/>
        <ReturnType Type="Edm.String"/>
      </Function>
      <Function Name="report" IsBound="true">
        <Parameter Name="bp" Type="ov.item"/>
        <Parameter Name="from" Type="Edm.Int32"/>
        <ReturnType Type="Edm.String"/>
      </Function>
      <EntityContainer Name="svc">
        <EntitySet Name="items" EntityType="ov.item"/>
      </EntityContainer>
    </Schema>
  </edmx:DataServices>
</edmx:Edmx>"#;

#[test]
fn the_overload_with_the_fewest_parameters_gets_the_plain_name() {
    let options =
        codegen::Options { namespace: None, crate_options: codegen::emit::CrateOptions::new("ov", "../runtime", true) };
    let generated = codegen::generate("overloads.xml", CSDL.as_bytes(), &options).expect("generates");
    let client: String = generated
        .files
        .iter()
        .filter(|(path, _)| path.starts_with("ov-client/src/"))
        .map(|(_, text)| text.as_str())
        .collect();
    let compact: String = client.split_whitespace().collect();
    assert!(compact.contains("pubfnreport(&self,)"), "{client}");
    assert!(compact.contains("pubfnreport_2(&self,from:i32,)"), "{client}");
    assert!(compact.contains("pubfnreport_3(&self,from:i32,to:i32,)"), "{client}");
}
