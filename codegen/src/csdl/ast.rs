//! The CSDL syntax tree: one struct per CSDL element, every element with the byte offset of
//! its start tag (turned into line and column by [`crate::diag::Source`] when needed).

/// Byte offset of an element's `<` in the source.
pub type Offset = u32;

/// A string of the document: borrowed from the source text, owned only when the reader had to
/// unescape it or the resolver had to build it.
pub type Str<'s> = std::borrow::Cow<'s, str>;

/// `edmx:Edmx`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Document<'s> {
    /// `Version` (`4.0` or `4.01`).
    pub version: Str<'s>,
    /// `edmx:Reference` elements.
    pub references: Vec<Reference<'s>>,
    /// Every `Schema` of `edmx:DataServices`.
    pub schemas: Vec<Schema<'s>>,
    /// Where the root element starts.
    pub offset: Offset,
}

impl<'s> Document<'s> {
    /// The aliases this document declares, each with its namespace: those of its references'
    /// `edmx:Include`s, then those of its schemas.
    pub fn aliases(&self) -> impl Iterator<Item = (&Str<'s>, &Str<'s>)> {
        let included =
            self.references.iter().flat_map(|r| &r.includes).filter_map(|i| Some((i.alias.as_ref()?, &i.namespace)));
        let own = self.schemas.iter().filter_map(|s| Some((s.alias.as_ref()?, &s.namespace)));
        included.chain(own)
    }
}

/// `edmx:Reference`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Reference<'s> {
    /// `Uri`.
    pub uri: Str<'s>,
    /// `edmx:Include` children.
    pub includes: Vec<Include<'s>>,
    /// `edmx:IncludeAnnotations` children.
    pub include_annotations: Vec<IncludeAnnotations<'s>>,
    /// Inline annotations.
    pub annotations: Vec<Annotation<'s>>,
    /// Source offset.
    pub offset: Offset,
}

/// `edmx:Include`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Include<'s> {
    /// `Namespace`.
    pub namespace: Str<'s>,
    /// `Alias`.
    pub alias: Option<Str<'s>>,
    /// Source offset.
    pub offset: Offset,
}

/// `edmx:IncludeAnnotations`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct IncludeAnnotations<'s> {
    /// `TermNamespace`.
    pub term_namespace: Str<'s>,
    /// `Qualifier`.
    pub qualifier: Option<Str<'s>>,
    /// `TargetNamespace`.
    pub target_namespace: Option<Str<'s>>,
    /// Source offset.
    pub offset: Offset,
}

/// `Schema`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Schema<'s> {
    /// `Namespace`.
    pub namespace: Str<'s>,
    /// `Alias`.
    pub alias: Option<Str<'s>>,
    /// `EntityType` elements.
    pub entity_types: Vec<StructuredType<'s>>,
    /// `ComplexType` elements.
    pub complex_types: Vec<StructuredType<'s>>,
    /// `EnumType` elements.
    pub enum_types: Vec<EnumType<'s>>,
    /// `TypeDefinition` elements.
    pub type_definitions: Vec<TypeDefinition<'s>>,
    /// `Action` and `Function` elements, overloads included.
    pub operations: Vec<Operation<'s>>,
    /// `Term` elements.
    pub terms: Vec<Term<'s>>,
    /// `EntityContainer` elements (CSDL allows one per schema).
    pub containers: Vec<EntityContainer<'s>>,
    /// External `Annotations` blocks.
    pub annotation_blocks: Vec<Annotations<'s>>,
    /// Inline annotations on the schema itself.
    pub annotations: Vec<Annotation<'s>>,
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
pub struct StructuredType<'s> {
    /// Which element this is.
    pub kind: StructuredKind,
    /// `Name`.
    pub name: Str<'s>,
    /// `BaseType`, as written (may use an alias).
    pub base_type: Option<Str<'s>>,
    /// `Abstract`.
    pub is_abstract: bool,
    /// `OpenType`.
    pub open_type: bool,
    /// `HasStream` (entity types only).
    pub has_stream: bool,
    /// `Key/PropertyRef` (entity types only).
    pub key: Option<Vec<PropertyRef<'s>>>,
    /// `Property` children.
    pub properties: Vec<Property<'s>>,
    /// `NavigationProperty` children.
    pub navigation_properties: Vec<NavigationProperty<'s>>,
    /// Inline annotations.
    pub annotations: Vec<Annotation<'s>>,
    /// Source offset.
    pub offset: Offset,
}

/// `PropertyRef`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PropertyRef<'s> {
    /// `Name` (a path).
    pub name: Str<'s>,
    /// `Alias`.
    pub alias: Option<Str<'s>>,
    /// Source offset.
    pub offset: Offset,
}

/// A type reference: `Edm.String`, `graph.entity`, `Collection(microsoft.graph.user)`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TypeRef<'s> {
    /// Whether the written type was `Collection(...)`.
    pub collection: bool,
    /// The element type's name as written.
    pub name: Str<'s>,
}

impl<'s> TypeRef<'s> {
    /// Parses a written type. `None` when `Collection(` is malformed or the name is empty.
    pub fn parse(text: Str<'s>) -> Option<TypeRef<'s>> {
        let (collection, range) = {
            let full: &str = &text;
            let trimmed = full.trim();
            let start = trimmed.as_ptr() as usize - full.as_ptr() as usize;
            let (collection, inner) = match trimmed.strip_prefix("Collection(") {
                Some(rest) => (true, rest.strip_suffix(')')?.trim()),
                None => (false, trimmed),
            };
            if inner.is_empty() || inner.contains(['(', ')']) {
                return None;
            }
            let offset = start + (inner.as_ptr() as usize - trimmed.as_ptr() as usize);
            (collection, offset..offset + inner.len())
        };
        let name = match text {
            Str::Borrowed(b) if range.len() == b.len() => Str::Borrowed(b),
            Str::Borrowed(b) => Str::Borrowed(&b[range]),
            Str::Owned(o) => Str::Owned(o[range].to_string()),
        };
        Some(TypeRef { collection, name })
    }

    /// The type as CSDL writes it.
    pub fn to_csdl(&self) -> String {
        if self.collection {
            format!("Collection({})", self.name)
        } else {
            self.name.to_string()
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
pub struct Property<'s> {
    /// `Name`.
    pub name: Str<'s>,
    /// `Type`.
    pub ty: TypeRef<'s>,
    /// Facets.
    pub facets: Facets,
    /// `DefaultValue`.
    pub default_value: Option<Str<'s>>,
    /// Inline annotations.
    pub annotations: Vec<Annotation<'s>>,
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
pub struct ReferentialConstraint<'s> {
    /// `Property`.
    pub property: Str<'s>,
    /// `ReferencedProperty`.
    pub referenced_property: Str<'s>,
    /// Source offset.
    pub offset: Offset,
}

/// `NavigationProperty`.
#[derive(Debug, Clone, PartialEq)]
pub struct NavigationProperty<'s> {
    /// `Name`.
    pub name: Str<'s>,
    /// `Type`.
    pub ty: TypeRef<'s>,
    /// `Nullable`.
    pub nullable: Option<bool>,
    /// `Partner`.
    pub partner: Option<Str<'s>>,
    /// `ContainsTarget`.
    pub contains_target: bool,
    /// `OnDelete`.
    pub on_delete: Option<OnDeleteAction>,
    /// `ReferentialConstraint` children.
    pub referential_constraints: Vec<ReferentialConstraint<'s>>,
    /// Inline annotations.
    pub annotations: Vec<Annotation<'s>>,
    /// Source offset.
    pub offset: Offset,
}

/// `EnumType`.
#[derive(Debug, Clone, PartialEq)]
pub struct EnumType<'s> {
    /// `Name`.
    pub name: Str<'s>,
    /// `UnderlyingType` (`Edm.Int32` when absent).
    pub underlying_type: Option<Str<'s>>,
    /// `IsFlags`.
    pub is_flags: bool,
    /// `Member` children in document order.
    pub members: Vec<EnumMember<'s>>,
    /// Inline annotations.
    pub annotations: Vec<Annotation<'s>>,
    /// Source offset.
    pub offset: Offset,
}

/// `Member` of an enum type.
#[derive(Debug, Clone, PartialEq)]
pub struct EnumMember<'s> {
    /// `Name`.
    pub name: Str<'s>,
    /// `Value` as written; `None` when implicit.
    pub value: Option<i64>,
    /// Inline annotations.
    pub annotations: Vec<Annotation<'s>>,
    /// Source offset.
    pub offset: Offset,
}

/// `TypeDefinition`.
#[derive(Debug, Clone, PartialEq)]
pub struct TypeDefinition<'s> {
    /// `Name`.
    pub name: Str<'s>,
    /// `UnderlyingType`.
    pub underlying_type: Str<'s>,
    /// Facets.
    pub facets: Facets,
    /// Inline annotations.
    pub annotations: Vec<Annotation<'s>>,
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
pub struct Operation<'s> {
    /// Which element.
    pub kind: OperationKind,
    /// `Name`.
    pub name: Str<'s>,
    /// `IsBound`.
    pub is_bound: bool,
    /// `IsComposable` (functions only).
    pub is_composable: bool,
    /// `EntitySetPath`.
    pub entity_set_path: Option<Str<'s>>,
    /// `Parameter` children; for a bound operation the first is the binding parameter.
    pub parameters: Vec<Parameter<'s>>,
    /// `ReturnType`.
    pub return_type: Option<ReturnType<'s>>,
    /// Inline annotations.
    pub annotations: Vec<Annotation<'s>>,
    /// Source offset.
    pub offset: Offset,
}

/// `Parameter`.
#[derive(Debug, Clone, PartialEq)]
pub struct Parameter<'s> {
    /// `Name`.
    pub name: Str<'s>,
    /// `Type`.
    pub ty: TypeRef<'s>,
    /// Facets.
    pub facets: Facets,
    /// Inline annotations.
    pub annotations: Vec<Annotation<'s>>,
    /// Source offset.
    pub offset: Offset,
}

/// `ReturnType`.
#[derive(Debug, Clone, PartialEq)]
pub struct ReturnType<'s> {
    /// `Type`.
    pub ty: TypeRef<'s>,
    /// Facets.
    pub facets: Facets,
    /// Inline annotations.
    pub annotations: Vec<Annotation<'s>>,
    /// Source offset.
    pub offset: Offset,
}

/// `Term`.
#[derive(Debug, Clone, PartialEq)]
pub struct Term<'s> {
    /// `Name`.
    pub name: Str<'s>,
    /// `Type`.
    pub ty: TypeRef<'s>,
    /// `BaseTerm`.
    pub base_term: Option<Str<'s>>,
    /// `DefaultValue`.
    pub default_value: Option<Str<'s>>,
    /// `AppliesTo` (space-separated element names).
    pub applies_to: Option<Str<'s>>,
    /// Facets.
    pub facets: Facets,
    /// Inline annotations.
    pub annotations: Vec<Annotation<'s>>,
    /// Source offset.
    pub offset: Offset,
}

/// `EntityContainer`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EntityContainer<'s> {
    /// `Name`.
    pub name: Str<'s>,
    /// `Extends`.
    pub extends: Option<Str<'s>>,
    /// `EntitySet` children.
    pub entity_sets: Vec<EntitySet<'s>>,
    /// `Singleton` children.
    pub singletons: Vec<EntitySet<'s>>,
    /// `ActionImport` and `FunctionImport` children.
    pub operation_imports: Vec<OperationImport<'s>>,
    /// Inline annotations.
    pub annotations: Vec<Annotation<'s>>,
    /// Source offset.
    pub offset: Offset,
}

/// `EntitySet` or `Singleton` (a singleton's `Type` is held in `entity_type`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EntitySet<'s> {
    /// `Name`.
    pub name: Str<'s>,
    /// `EntityType` (entity set) or `Type` (singleton).
    pub entity_type: Str<'s>,
    /// `IncludeInServiceDocument` (entity sets; default true).
    pub include_in_service_document: Option<bool>,
    /// `NavigationPropertyBinding` children.
    pub bindings: Vec<NavigationPropertyBinding<'s>>,
    /// Inline annotations.
    pub annotations: Vec<Annotation<'s>>,
    /// Source offset.
    pub offset: Offset,
}

/// `NavigationPropertyBinding`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NavigationPropertyBinding<'s> {
    /// `Path`.
    pub path: Str<'s>,
    /// `Target`.
    pub target: Str<'s>,
    /// Source offset.
    pub offset: Offset,
}

/// `ActionImport` or `FunctionImport`.
#[derive(Debug, Clone, PartialEq)]
pub struct OperationImport<'s> {
    /// Which element.
    pub kind: OperationKind,
    /// `Name`.
    pub name: Str<'s>,
    /// `Action` or `Function`: the qualified name of the imported operation.
    pub operation: Str<'s>,
    /// `EntitySet`.
    pub entity_set: Option<Str<'s>>,
    /// `IncludeInServiceDocument` (function imports).
    pub include_in_service_document: Option<bool>,
    /// Inline annotations.
    pub annotations: Vec<Annotation<'s>>,
    /// Source offset.
    pub offset: Offset,
}

/// External `Annotations Target="..."` block.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Annotations<'s> {
    /// `Target` path as written.
    pub target: Str<'s>,
    /// `Qualifier`.
    pub qualifier: Option<Str<'s>>,
    /// `Annotation` children.
    pub annotations: Vec<Annotation<'s>>,
    /// Source offset.
    pub offset: Offset,
}

/// `Annotation`.
#[derive(Debug, Clone, PartialEq)]
pub struct Annotation<'s> {
    /// `Term` as written (qualified, possibly through an alias).
    pub term: Str<'s>,
    /// `Qualifier`.
    pub qualifier: Option<Str<'s>>,
    /// The value: from an attribute (`Str="..."`) or a child expression; `None` means the
    /// term's default (for a Boolean term: true).
    pub value: Option<Expr<'s>>,
    /// Annotations of the annotation.
    pub annotations: Vec<Annotation<'s>>,
    /// Source offset.
    pub offset: Offset,
}

/// An annotation expression.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr<'s> {
    /// `String`.
    String(Str<'s>),
    /// `Bool`.
    Bool(bool),
    /// `Int`.
    Int(i64),
    /// `Float`, kept as written.
    Float(Str<'s>),
    /// `Decimal`, kept as written.
    Decimal(Str<'s>),
    /// Another constant kept as written: `Date`, `DateTimeOffset`, `Duration`, `Guid`,
    /// `Binary`, `TimeOfDay`; the first field is the element or attribute name.
    Constant(&'static str, Str<'s>),
    /// `EnumMember`, as written (space-separated qualified members).
    EnumMember(Str<'s>),
    /// A path expression: (`Path`, `PropertyPath`, `NavigationPropertyPath`,
    /// `AnnotationPath`, `ModelElementPath`) and the path.
    Path(&'static str, Str<'s>),
    /// `Collection`.
    Collection(Vec<Expr<'s>>),
    /// `Record`.
    Record(Record<'s>),
    /// `Null`.
    Null,
    /// A dynamic expression this reader keeps only by name (`Apply`, `If`, `Eq`, ...).
    Dynamic(Str<'s>),
}

/// `Record`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Record<'s> {
    /// `Type`.
    pub ty: Option<Str<'s>>,
    /// `PropertyValue` children.
    pub properties: Vec<PropertyValue<'s>>,
    /// Annotations of the record.
    pub annotations: Vec<Annotation<'s>>,
}

/// `PropertyValue`.
#[derive(Debug, Clone, PartialEq)]
pub struct PropertyValue<'s> {
    /// `Property`.
    pub property: Str<'s>,
    /// Its value.
    pub value: Expr<'s>,
}
