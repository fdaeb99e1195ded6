//! The CSDL syntax tree: one struct per CSDL element, every element with the byte offset of
//! its start tag (turned into line and column by [`crate::diag::Source`] when needed).

/// Byte offset of an element's `<` in the source.
pub type Offset = u32;

/// `edmx:Edmx`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Document {
    /// `Version` (`4.0` or `4.01`).
    pub version: String,
    /// `edmx:Reference` elements.
    pub references: Vec<Reference>,
    /// Every `Schema` of `edmx:DataServices`.
    pub schemas: Vec<Schema>,
    /// Where the root element starts.
    pub offset: Offset,
}

/// `edmx:Reference`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Reference {
    /// `Uri`.
    pub uri: String,
    /// `edmx:Include` children.
    pub includes: Vec<Include>,
    /// `edmx:IncludeAnnotations` children.
    pub include_annotations: Vec<IncludeAnnotations>,
    /// Inline annotations.
    pub annotations: Vec<Annotation>,
    /// Source offset.
    pub offset: Offset,
}

/// `edmx:Include`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Include {
    /// `Namespace`.
    pub namespace: String,
    /// `Alias`.
    pub alias: Option<String>,
    /// Source offset.
    pub offset: Offset,
}

/// `edmx:IncludeAnnotations`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct IncludeAnnotations {
    /// `TermNamespace`.
    pub term_namespace: String,
    /// `Qualifier`.
    pub qualifier: Option<String>,
    /// `TargetNamespace`.
    pub target_namespace: Option<String>,
    /// Source offset.
    pub offset: Offset,
}

/// `Schema`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Schema {
    /// `Namespace`.
    pub namespace: String,
    /// `Alias`.
    pub alias: Option<String>,
    /// `EntityType` elements.
    pub entity_types: Vec<StructuredType>,
    /// `ComplexType` elements.
    pub complex_types: Vec<StructuredType>,
    /// `EnumType` elements.
    pub enum_types: Vec<EnumType>,
    /// `TypeDefinition` elements.
    pub type_definitions: Vec<TypeDefinition>,
    /// `Action` and `Function` elements, overloads included.
    pub operations: Vec<Operation>,
    /// `Term` elements.
    pub terms: Vec<Term>,
    /// `EntityContainer` elements (CSDL allows one per schema).
    pub containers: Vec<EntityContainer>,
    /// External `Annotations` blocks.
    pub annotation_blocks: Vec<Annotations>,
    /// Inline annotations on the schema itself.
    pub annotations: Vec<Annotation>,
    /// Source offset.
    pub offset: Offset,
}

/// Entity or complex.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum StructuredKind {
    /// `EntityType`.
    Entity,
    /// `ComplexType`.
    Complex,
}

/// `EntityType` or `ComplexType`.
#[derive(Debug, Clone, PartialEq)]
pub struct StructuredType {
    /// Which element this is.
    pub kind: StructuredKind,
    /// `Name`.
    pub name: String,
    /// `BaseType`, as written (may use an alias).
    pub base_type: Option<String>,
    /// `Abstract`.
    pub is_abstract: bool,
    /// `OpenType`.
    pub open_type: bool,
    /// `HasStream` (entity types only).
    pub has_stream: bool,
    /// `Key/PropertyRef` (entity types only).
    pub key: Option<Vec<PropertyRef>>,
    /// `Property` children.
    pub properties: Vec<Property>,
    /// `NavigationProperty` children.
    pub navigation_properties: Vec<NavigationProperty>,
    /// Inline annotations.
    pub annotations: Vec<Annotation>,
    /// Source offset.
    pub offset: Offset,
}

/// `PropertyRef`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PropertyRef {
    /// `Name` (a path).
    pub name: String,
    /// `Alias`.
    pub alias: Option<String>,
    /// Source offset.
    pub offset: Offset,
}

/// A type reference: `Edm.String`, `graph.entity`, `Collection(microsoft.graph.user)`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TypeRef {
    /// Whether the written type was `Collection(...)`.
    pub collection: bool,
    /// The element type's name as written.
    pub name: String,
}

impl TypeRef {
    /// Parses a written type. `None` when `Collection(` is malformed or the name is empty.
    pub fn parse(text: &str) -> Option<TypeRef> {
        let text = text.trim();
        if let Some(rest) = text.strip_prefix("Collection(") {
            let inner = rest.strip_suffix(')')?.trim();
            if inner.is_empty() || inner.contains(['(', ')']) {
                return None;
            }
            Some(TypeRef { collection: true, name: inner.to_string() })
        } else if text.is_empty() || text.contains(['(', ')']) {
            None
        } else {
            Some(TypeRef { collection: false, name: text.to_string() })
        }
    }

    /// The type as CSDL writes it.
    pub fn to_csdl(&self) -> String {
        if self.collection {
            format!("Collection({})", self.name)
        } else {
            self.name.clone()
        }
    }
}

/// `MaxLength` facet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum MaxLength {
    /// A number of characters or bytes.
    Value(u64),
    /// `max`.
    Max,
}

/// `Scale` facet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Scale {
    /// A fixed number of digits after the point.
    Value(u32),
    /// `variable` (also `Variable`, as Graph writes it).
    Variable,
    /// `floating` (CSDL 4.01).
    Floating,
}

/// `SRID` facet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Srid {
    /// A spatial reference id.
    Value(u32),
    /// `variable`.
    Variable,
}

/// The facets a property, parameter, return type, type definition or term may carry.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Facets {
    /// `Nullable`; `None` when absent (which means nullable for properties).
    pub nullable: Option<bool>,
    /// `MaxLength`.
    pub max_length: Option<MaxLength>,
    /// `Precision`.
    pub precision: Option<u32>,
    /// `Scale`.
    pub scale: Option<Scale>,
    /// `SRID`.
    pub srid: Option<Srid>,
    /// `Unicode`.
    pub unicode: Option<bool>,
}

/// `Property`.
#[derive(Debug, Clone, PartialEq)]
pub struct Property {
    /// `Name`.
    pub name: String,
    /// `Type`.
    pub ty: TypeRef,
    /// Facets.
    pub facets: Facets,
    /// `DefaultValue`.
    pub default_value: Option<String>,
    /// Inline annotations.
    pub annotations: Vec<Annotation>,
    /// Source offset.
    pub offset: Offset,
}

/// `OnDelete/@Action`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum OnDeleteAction {
    /// `Cascade`.
    Cascade,
    /// `None`.
    None,
    /// `SetNull`.
    SetNull,
    /// `SetDefault`.
    SetDefault,
}

impl OnDeleteAction {
    /// The CSDL spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            OnDeleteAction::Cascade => "Cascade",
            OnDeleteAction::None => "None",
            OnDeleteAction::SetNull => "SetNull",
            OnDeleteAction::SetDefault => "SetDefault",
        }
    }
}

/// `ReferentialConstraint`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ReferentialConstraint {
    /// `Property`.
    pub property: String,
    /// `ReferencedProperty`.
    pub referenced_property: String,
    /// Source offset.
    pub offset: Offset,
}

/// `NavigationProperty`.
#[derive(Debug, Clone, PartialEq)]
pub struct NavigationProperty {
    /// `Name`.
    pub name: String,
    /// `Type`.
    pub ty: TypeRef,
    /// `Nullable`.
    pub nullable: Option<bool>,
    /// `Partner`.
    pub partner: Option<String>,
    /// `ContainsTarget`.
    pub contains_target: bool,
    /// `OnDelete`.
    pub on_delete: Option<OnDeleteAction>,
    /// `ReferentialConstraint` children.
    pub referential_constraints: Vec<ReferentialConstraint>,
    /// Inline annotations.
    pub annotations: Vec<Annotation>,
    /// Source offset.
    pub offset: Offset,
}

/// `EnumType`.
#[derive(Debug, Clone, PartialEq)]
pub struct EnumType {
    /// `Name`.
    pub name: String,
    /// `UnderlyingType` (`Edm.Int32` when absent).
    pub underlying_type: Option<String>,
    /// `IsFlags`.
    pub is_flags: bool,
    /// `Member` children in document order.
    pub members: Vec<EnumMember>,
    /// Inline annotations.
    pub annotations: Vec<Annotation>,
    /// Source offset.
    pub offset: Offset,
}

/// `Member` of an enum type.
#[derive(Debug, Clone, PartialEq)]
pub struct EnumMember {
    /// `Name`.
    pub name: String,
    /// `Value` as written; `None` when implicit.
    pub value: Option<i64>,
    /// Inline annotations.
    pub annotations: Vec<Annotation>,
    /// Source offset.
    pub offset: Offset,
}

/// `TypeDefinition`.
#[derive(Debug, Clone, PartialEq)]
pub struct TypeDefinition {
    /// `Name`.
    pub name: String,
    /// `UnderlyingType`.
    pub underlying_type: String,
    /// Facets.
    pub facets: Facets,
    /// Inline annotations.
    pub annotations: Vec<Annotation>,
    /// Source offset.
    pub offset: Offset,
}

/// Action or function.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum OperationKind {
    /// `Action`: may have side effects, invoked with POST.
    Action,
    /// `Function`: no side effects, invoked with GET.
    Function,
}

/// `Action` or `Function`.
#[derive(Debug, Clone, PartialEq)]
pub struct Operation {
    /// Which element.
    pub kind: OperationKind,
    /// `Name`.
    pub name: String,
    /// `IsBound`.
    pub is_bound: bool,
    /// `IsComposable` (functions only).
    pub is_composable: bool,
    /// `EntitySetPath`.
    pub entity_set_path: Option<String>,
    /// `Parameter` children; for a bound operation the first is the binding parameter.
    pub parameters: Vec<Parameter>,
    /// `ReturnType`.
    pub return_type: Option<ReturnType>,
    /// Inline annotations.
    pub annotations: Vec<Annotation>,
    /// Source offset.
    pub offset: Offset,
}

/// `Parameter`.
#[derive(Debug, Clone, PartialEq)]
pub struct Parameter {
    /// `Name`.
    pub name: String,
    /// `Type`.
    pub ty: TypeRef,
    /// Facets.
    pub facets: Facets,
    /// Inline annotations.
    pub annotations: Vec<Annotation>,
    /// Source offset.
    pub offset: Offset,
}

/// `ReturnType`.
#[derive(Debug, Clone, PartialEq)]
pub struct ReturnType {
    /// `Type`.
    pub ty: TypeRef,
    /// Facets.
    pub facets: Facets,
    /// Inline annotations.
    pub annotations: Vec<Annotation>,
    /// Source offset.
    pub offset: Offset,
}

/// `Term`.
#[derive(Debug, Clone, PartialEq)]
pub struct Term {
    /// `Name`.
    pub name: String,
    /// `Type`.
    pub ty: TypeRef,
    /// `BaseTerm`.
    pub base_term: Option<String>,
    /// `DefaultValue`.
    pub default_value: Option<String>,
    /// `AppliesTo` (space-separated element names).
    pub applies_to: Option<String>,
    /// Facets.
    pub facets: Facets,
    /// Inline annotations.
    pub annotations: Vec<Annotation>,
    /// Source offset.
    pub offset: Offset,
}

/// `EntityContainer`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EntityContainer {
    /// `Name`.
    pub name: String,
    /// `Extends`.
    pub extends: Option<String>,
    /// `EntitySet` children.
    pub entity_sets: Vec<EntitySet>,
    /// `Singleton` children.
    pub singletons: Vec<EntitySet>,
    /// `ActionImport` and `FunctionImport` children.
    pub operation_imports: Vec<OperationImport>,
    /// Inline annotations.
    pub annotations: Vec<Annotation>,
    /// Source offset.
    pub offset: Offset,
}

/// `EntitySet` or `Singleton` (a singleton's `Type` is held in `entity_type`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EntitySet {
    /// `Name`.
    pub name: String,
    /// `EntityType` (entity set) or `Type` (singleton).
    pub entity_type: String,
    /// `IncludeInServiceDocument` (entity sets; default true).
    pub include_in_service_document: Option<bool>,
    /// `NavigationPropertyBinding` children.
    pub bindings: Vec<NavigationPropertyBinding>,
    /// Inline annotations.
    pub annotations: Vec<Annotation>,
    /// Source offset.
    pub offset: Offset,
}

/// `NavigationPropertyBinding`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NavigationPropertyBinding {
    /// `Path`.
    pub path: String,
    /// `Target`.
    pub target: String,
    /// Source offset.
    pub offset: Offset,
}

/// `ActionImport` or `FunctionImport`.
#[derive(Debug, Clone, PartialEq)]
pub struct OperationImport {
    /// Which element.
    pub kind: OperationKind,
    /// `Name`.
    pub name: String,
    /// `Action` or `Function`: the qualified name of the imported operation.
    pub operation: String,
    /// `EntitySet`.
    pub entity_set: Option<String>,
    /// `IncludeInServiceDocument` (function imports).
    pub include_in_service_document: Option<bool>,
    /// Inline annotations.
    pub annotations: Vec<Annotation>,
    /// Source offset.
    pub offset: Offset,
}

/// External `Annotations Target="..."` block.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Annotations {
    /// `Target` path as written.
    pub target: String,
    /// `Qualifier`.
    pub qualifier: Option<String>,
    /// `Annotation` children.
    pub annotations: Vec<Annotation>,
    /// Source offset.
    pub offset: Offset,
}

/// `Annotation`.
#[derive(Debug, Clone, PartialEq)]
pub struct Annotation {
    /// `Term` as written (qualified, possibly through an alias).
    pub term: String,
    /// `Qualifier`.
    pub qualifier: Option<String>,
    /// The value: from an attribute (`String="..."`) or a child expression; `None` means the
    /// term's default (for a Boolean term: true).
    pub value: Option<Expr>,
    /// Annotations of the annotation.
    pub annotations: Vec<Annotation>,
    /// Source offset.
    pub offset: Offset,
}

/// An annotation expression.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    /// `String`.
    String(String),
    /// `Bool`.
    Bool(bool),
    /// `Int`.
    Int(i64),
    /// `Float`, kept as written.
    Float(String),
    /// `Decimal`, kept as written.
    Decimal(String),
    /// Another constant kept as written: `Date`, `DateTimeOffset`, `Duration`, `Guid`,
    /// `Binary`, `TimeOfDay`; the first field is the element or attribute name.
    Constant(String, String),
    /// `EnumMember`, as written (space-separated qualified members).
    EnumMember(String),
    /// A path expression: (`Path`, `PropertyPath`, `NavigationPropertyPath`,
    /// `AnnotationPath`, `ModelElementPath`) and the path.
    Path(String, String),
    /// `Collection`.
    Collection(Vec<Expr>),
    /// `Record`.
    Record(Record),
    /// `Null`.
    Null,
    /// A dynamic expression this reader keeps only by name (`Apply`, `If`, `Eq`, ...).
    Dynamic(String),
}

/// `Record`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Record {
    /// `Type`.
    pub ty: Option<String>,
    /// `PropertyValue` children.
    pub properties: Vec<PropertyValue>,
    /// Annotations of the record.
    pub annotations: Vec<Annotation>,
}

/// `PropertyValue`.
#[derive(Debug, Clone, PartialEq)]
pub struct PropertyValue {
    /// `Property`.
    pub property: String,
    /// Its value.
    pub value: Expr,
}
