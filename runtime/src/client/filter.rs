//! Typed `$filter` expressions and `$orderby` items, checked at compile time.
//!
//! A [`Property<E, T>`] names a property of the entity type `E` (the generated property enum,
//! e.g. `CallRecordProperty`) whose values are `T` (e.g. `DateTimeOffset`, `Vec<Modality>`).
//! Its comparisons take operands of type `T` only, so a date compared with a string does not
//! compile; they give a [`Filter<E>`], which [`Request::filter`](super::Request::filter) accepts
//! for requests of `E` only. Generated client crates have one `<Type>Filter` struct per entity
//! type with a function per property (`CallRecordFilter::start_date_time()`).
//!
//! Literals are written as the OData ABNF says (see [`literal`](super::literal)):
//! `2012-12-03T07:16:23Z`, `duration'P1DT2H'`, bare GUIDs, `Namespace.Type'member'` for
//! enumeration members of a property that knows its enumeration type, `'it''s'`.
//!
//! ```
//! use odata_runtime::client::filter::{Filter, Property};
//! use odata_runtime::edm::{parse_date_time_offset, DateTimeOffset};
//!
//! # #[derive(Clone, Copy)] enum Product {}
//! let name: Property<Product, String> = Property::new("Name");
//! let price: Property<Product, f64> = Property::new("Price");
//! let released: Property<Product, DateTimeOffset> = Property::new("ReleaseDate");
//! let from = parse_date_time_offset("2012-12-03T07:16:23Z").unwrap();
//!
//! let f: Filter<Product> = name.eq("Milk").and(price.lt(2.55).or(released.ge(from)));
//! assert_eq!(f.as_str(), "Name eq 'Milk' and (Price lt 2.55 or ReleaseDate ge 2012-12-03T07:16:23Z)");
//! assert_eq!(name.startswith("Mi").not().as_str(), "not startswith(Name,'Mi')");
//! ```
//!
//! A wrong operand type does not compile:
//!
//! ```compile_fail
//! use odata_runtime::client::filter::Property;
//! use odata_runtime::edm::DateTimeOffset;
//!
//! # #[derive(Clone, Copy)] enum Product {}
//! let released: Property<Product, DateTimeOffset> = Property::new("ReleaseDate");
//! let _ = released.ge("yesterday");
//! ```
//!
//! Nor does a filter of one entity type on a request of another:
//!
//! ```compile_fail
//! use odata_runtime::client::filter::Property;
//! use odata_runtime::client::{Client, Field, Request};
//!
//! #[derive(Clone, Copy)] enum A { X }
//! impl Field for A { fn name(self) -> &'static str { "x" } }
//! #[derive(Clone, Copy)] enum B { Y }
//! impl Field for B { fn name(self) -> &'static str { "y" } }
//! fn f(client: &Client) {
//!     let y: Property<B, i32> = Property::new("y");
//!     let _ = Request::<serde_json::Value, A>::new(client, http::Method::GET, "a".into()).filter(y.eq(1));
//! }
//! ```

use std::fmt;
use std::marker::PhantomData;

use super::literal::{enum_member, Literal};
use super::Field;
use crate::edm::{Binary, Date, DateTimeOffset, Decimal, Duration, Guid, TimeOfDay};
use crate::enums::{EnumMember, Flags};

/// How tightly an expression binds, to know when it needs parentheses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Precedence {
    Or,
    And,
    Primary,
}

/// A `$filter` expression over the properties of the entity type `E`.
///
/// Built from [`Property`] comparisons and combined with [`and`](Self::and),
/// [`or`](Self::or) and [`not`](Self::not); parentheses are added where the precedence needs
/// them, nowhere else. [`as_str`](Self::as_str) is the text before percent-encoding.
pub struct Filter<E> {
    text: String,
    precedence: Precedence,
    marker: PhantomData<fn() -> E>,
}

impl<E> Clone for Filter<E> {
    fn clone(&self) -> Self {
        Filter { text: self.text.clone(), precedence: self.precedence, marker: PhantomData }
    }
}

impl<E> fmt::Debug for Filter<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Filter").field(&self.text).finish()
    }
}

impl<E> fmt::Display for Filter<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl<E> PartialEq for Filter<E> {
    fn eq(&self, other: &Self) -> bool {
        self.text == other.text
    }
}

impl<E> Eq for Filter<E> {}

impl<E> Filter<E> {
    fn primary(text: String) -> Self {
        Filter { text, precedence: Precedence::Primary, marker: PhantomData }
    }

    /// An expression written by hand, e.g. `"startDateTime ge 2021-02-01T00:00:00Z"`; it is
    /// put in parentheses when combined, so its own operators keep their meaning.
    pub fn raw(text: impl Into<String>) -> Self {
        Filter { text: text.into(), precedence: Precedence::Or, marker: PhantomData }
    }

    /// The literal `true` (every entity), e.g. to start folding a list with [`and`](Self::and).
    pub fn always() -> Self {
        Filter::primary("true".to_owned())
    }

    /// The expression text, not yet percent-encoded.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The expression text, not yet percent-encoded.
    pub fn into_string(self) -> String {
        self.text
    }

    fn operand(&self, at_least: Precedence) -> String {
        if self.precedence < at_least {
            format!("({})", self.text)
        } else {
            self.text.clone()
        }
    }

    /// `self and other`.
    pub fn and(self, other: Filter<E>) -> Filter<E> {
        let text = format!("{} and {}", self.operand(Precedence::And), other.operand(Precedence::And));
        Filter { text, precedence: Precedence::And, marker: PhantomData }
    }

    /// `self or other`.
    pub fn or(self, other: Filter<E>) -> Filter<E> {
        let text = format!("{} or {}", self.operand(Precedence::Or), other.operand(Precedence::Or));
        Filter { text, precedence: Precedence::Or, marker: PhantomData }
    }

    /// `not self` (`not (a and b)` for a compound expression).
    #[allow(clippy::should_implement_trait)]
    pub fn not(self) -> Filter<E> {
        Filter::primary(format!("not {}", self.operand(Precedence::Primary)))
    }

    /// Every filter of `filters` joined with `and`; `None` when there are none.
    pub fn all_of(filters: impl IntoIterator<Item = Filter<E>>) -> Option<Filter<E>> {
        filters.into_iter().reduce(Filter::and)
    }

    /// Every filter of `filters` joined with `or`; `None` when there are none.
    pub fn any_of(filters: impl IntoIterator<Item = Filter<E>>) -> Option<Filter<E>> {
        filters.into_iter().reduce(Filter::or)
    }
}

impl<E> std::ops::Not for Filter<E> {
    type Output = Filter<E>;

    fn not(self) -> Filter<E> {
        Filter::not(self)
    }
}

/// What [`Request::filter`](super::Request::filter) accepts for a request of the entity type
/// `E`: a typed [`Filter<E>`], or a hand-written `&str` / `String`.
pub trait IntoFilter<E> {
    /// The expression text, not yet percent-encoded.
    fn into_filter_text(self) -> String;
}

impl<E> IntoFilter<E> for Filter<E> {
    fn into_filter_text(self) -> String {
        self.text
    }
}

impl<E> IntoFilter<E> for &str {
    fn into_filter_text(self) -> String {
        self.to_owned()
    }
}

impl<E> IntoFilter<E> for &String {
    fn into_filter_text(self) -> String {
        self.clone()
    }
}

impl<E> IntoFilter<E> for String {
    fn into_filter_text(self) -> String {
        self
    }
}

/// A value that can stand on the right of a comparison with a property of type `T`.
///
/// Implemented for every Edm primitive type (with itself), `&str` and `&String` for `String`
/// properties, every generated enumeration and [`Flags`] set. An enumeration member is written
/// `Namespace.Type'member'` when the property knows its enumeration type (generated
/// properties do), else `'member'`.
pub trait Operand<T> {
    /// The URL literal; `enum_type` is the qualified enumeration type of the property, if known.
    fn to_operand(&self, enum_type: Option<&str>) -> String;
}

macro_rules! literal_operands {
    ($($t:ty),*) => {
        $(
            impl Operand<$t> for $t {
                fn to_operand(&self, _: Option<&str>) -> String {
                    self.to_literal()
                }
            }
        )*
    };
}

literal_operands!(
    String,
    bool,
    i8,
    i16,
    i32,
    i64,
    u8,
    u16,
    u32,
    u64,
    f32,
    f64,
    Decimal,
    Guid,
    DateTimeOffset,
    Date,
    TimeOfDay,
    Duration,
    Binary
);

impl Operand<String> for &str {
    fn to_operand(&self, _: Option<&str>) -> String {
        self.to_literal()
    }
}

impl Operand<String> for &String {
    fn to_operand(&self, _: Option<&str>) -> String {
        self.to_literal()
    }
}

impl<X: EnumMember> Operand<X> for X {
    fn to_operand(&self, enum_type: Option<&str>) -> String {
        enum_member(enum_type, self.as_str())
    }
}

impl<X: EnumMember> Operand<Flags<X>> for Flags<X> {
    fn to_operand(&self, enum_type: Option<&str>) -> String {
        let joined = self.iter().map(|m| m.as_str()).collect::<Vec<_>>().join(",");
        enum_member(enum_type, &joined)
    }
}

/// Says that the structured type `Self` has the properties named by the property enum `P`, so
/// [`Property::member`] can step from a property of type `Self` into one of `P`'s. Generated
/// client crates implement it for each entity type with a property enum.
pub trait Structured<P> {}

/// A property (or a path of properties, or a lambda variable) of the entity type `E` whose
/// values are `T`, on the left of a comparison.
pub struct Property<E, T> {
    path: String,
    enum_type: Option<&'static str>,
    depth: u8,
    marker: PhantomData<fn() -> (E, T)>,
}

impl<E, T> Clone for Property<E, T> {
    fn clone(&self) -> Self {
        Property { path: self.path.clone(), enum_type: self.enum_type, depth: self.depth, marker: PhantomData }
    }
}

impl<E, T> fmt::Debug for Property<E, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Property").field("path", &self.path).field("enum_type", &self.enum_type).finish()
    }
}

impl<E, T> Property<E, T> {
    /// The property named `name` on the wire (`"startDateTime"`), or a path (`"Address/City"`).
    pub fn new(name: &str) -> Self {
        Property { path: name.to_owned(), enum_type: None, depth: 0, marker: PhantomData }
    }

    /// Sets the qualified enumeration type of the property's values
    /// (`"microsoft.graph.callRecords.modality"`), so members are written
    /// `microsoft.graph.callRecords.modality'audio'`, as OData 4.0 services require.
    pub fn enum_type(mut self, qualified: &'static str) -> Self {
        self.enum_type = Some(qualified);
        self
    }

    /// Writes enumeration members without their type, `'audio'` (OData 4.01 allows it).
    pub fn unqualified(mut self) -> Self {
        self.enum_type = None;
        self
    }

    /// The path as written in the expression.
    pub fn path(&self) -> &str {
        &self.path
    }

    fn compare(&self, op: &str, value: &impl Operand<T>) -> Filter<E> {
        Filter::primary(format!("{} {op} {}", self.path, value.to_operand(self.enum_type)))
    }

    /// `property eq value`.
    pub fn eq(&self, value: impl Operand<T>) -> Filter<E> {
        self.compare("eq", &value)
    }

    /// `property ne value`.
    pub fn ne(&self, value: impl Operand<T>) -> Filter<E> {
        self.compare("ne", &value)
    }

    /// `property gt value`.
    pub fn gt(&self, value: impl Operand<T>) -> Filter<E> {
        self.compare("gt", &value)
    }

    /// `property ge value`.
    pub fn ge(&self, value: impl Operand<T>) -> Filter<E> {
        self.compare("ge", &value)
    }

    /// `property lt value`.
    pub fn lt(&self, value: impl Operand<T>) -> Filter<E> {
        self.compare("lt", &value)
    }

    /// `property le value`.
    pub fn le(&self, value: impl Operand<T>) -> Filter<E> {
        self.compare("le", &value)
    }

    /// `property in (v1,v2,...)` (OData 4.01); with no values, `false`.
    pub fn in_<V: Operand<T>>(&self, values: impl IntoIterator<Item = V>) -> Filter<E> {
        let items: Vec<String> = values.into_iter().map(|v| v.to_operand(self.enum_type)).collect();
        if items.is_empty() {
            return Filter::primary("false".to_owned());
        }
        Filter::primary(format!("{} in ({})", self.path, items.join(",")))
    }

    /// `property eq null`.
    pub fn is_null(&self) -> Filter<E> {
        Filter::primary(format!("{} eq null", self.path))
    }

    /// `property ne null`.
    pub fn is_not_null(&self) -> Filter<E> {
        Filter::primary(format!("{} ne null", self.path))
    }

    /// The property `sub` of this property's value (`sessions` -> `s/startDateTime`): `T` must
    /// be the structured type whose property enum is `P`.
    pub fn member<P, V>(&self, sub: Property<P, V>) -> Property<E, V>
    where
        T: Structured<P>,
    {
        Property {
            path: format!("{}/{}", self.path, sub.path),
            enum_type: sub.enum_type,
            depth: self.depth,
            marker: PhantomData,
        }
    }

    /// The property `name` of this property's value, with a value type of your choice (for
    /// complex types without a property enum); nothing is checked.
    pub fn member_raw<V>(&self, name: &str) -> Property<E, V> {
        Property { path: format!("{}/{name}", self.path), enum_type: None, depth: self.depth, marker: PhantomData }
    }

    /// `property asc` for [`Request::order_by`](super::Request::order_by).
    pub fn asc(&self) -> OrderBy<E> {
        OrderBy::new(self.path.clone(), false)
    }

    /// `property desc` for [`Request::order_by`](super::Request::order_by).
    pub fn desc(&self) -> OrderBy<E> {
        OrderBy::new(self.path.clone(), true)
    }
}

impl<E> Property<E, String> {
    fn function(&self, name: &str, value: &str) -> Filter<E> {
        Filter::primary(format!("{name}({},{})", self.path, value.to_literal()))
    }

    /// `startswith(property,'value')`.
    pub fn startswith(&self, value: &str) -> Filter<E> {
        self.function("startswith", value)
    }

    /// `endswith(property,'value')`.
    pub fn endswith(&self, value: &str) -> Filter<E> {
        self.function("endswith", value)
    }

    /// `contains(property,'value')`.
    pub fn contains(&self, value: &str) -> Filter<E> {
        self.function("contains", value)
    }
}

impl<E, X: EnumMember> Property<E, Flags<X>> {
    /// `property has Namespace.Type'member'`: whether a flags value holds `member`.
    pub fn has(&self, member: X) -> Filter<E> {
        Filter::primary(format!("{} has {}", self.path, enum_member(self.enum_type, member.as_str())))
    }
}

impl<E, T> Property<E, Vec<T>> {
    /// The lambda variable: the first letter of the collection's name, numbered inside another
    /// lambda (`m`, `s1`, ...).
    fn variable(&self) -> (String, Property<E, T>) {
        let last = self.path.rsplit('/').next().unwrap_or_default();
        let letter = last.chars().find(char::is_ascii_alphabetic).map_or('x', |c| c.to_ascii_lowercase());
        let name = if self.depth == 0 { letter.to_string() } else { format!("{letter}{}", self.depth) };
        let item =
            Property { path: name.clone(), enum_type: self.enum_type, depth: self.depth + 1, marker: PhantomData };
        (name, item)
    }

    fn lambda(&self, op: &str, body: impl FnOnce(Property<E, T>) -> Filter<E>) -> Filter<E> {
        let (name, item) = self.variable();
        let body = body(item);
        Filter::primary(format!("{}/{op}({name}:{})", self.path, body.text))
    }

    /// `collection/any(x:...)`: whether some item satisfies `body`, which is given the item
    /// (`modalities/any(m:m eq ...)`).
    pub fn any(&self, body: impl FnOnce(Property<E, T>) -> Filter<E>) -> Filter<E> {
        self.lambda("any", body)
    }

    /// `collection/all(x:...)`: whether every item satisfies `body`.
    pub fn all(&self, body: impl FnOnce(Property<E, T>) -> Filter<E>) -> Filter<E> {
        self.lambda("all", body)
    }

    /// `collection/any()`: whether the collection is not empty.
    pub fn is_not_empty(&self) -> Filter<E> {
        Filter::primary(format!("{}/any()", self.path))
    }
}

/// One `$orderby` item: a property, ascending or descending. Made by [`Field::asc`],
/// [`Field::desc`], [`Property::asc`] and [`Property::desc`]; a bare [`Field`] is ascending.
pub struct OrderBy<E> {
    path: String,
    descending: bool,
    marker: PhantomData<fn() -> E>,
}

impl<E> Clone for OrderBy<E> {
    fn clone(&self) -> Self {
        OrderBy { path: self.path.clone(), descending: self.descending, marker: PhantomData }
    }
}

impl<E> fmt::Debug for OrderBy<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_item())
    }
}

impl<E> OrderBy<E> {
    /// `path`, descending or not.
    pub fn new(path: String, descending: bool) -> Self {
        OrderBy { path, descending, marker: PhantomData }
    }

    /// The item as written in `$orderby`: `name` or `name desc`.
    pub fn to_item(&self) -> String {
        if self.descending {
            format!("{} desc", self.path)
        } else {
            self.path.clone()
        }
    }
}

impl<F: Field> From<F> for OrderBy<F> {
    fn from(field: F) -> Self {
        OrderBy::new(field.name().to_owned(), false)
    }
}

#[doc(hidden)]
/// Writes the functions of a generated filter struct (`CallRecordFilter::id()`, ...) from the
/// list of its properties: each one's function name, wire name and (after `=>`) value type, optionally the
/// qualified name of its enumeration type after `=`, optionally behind `#[cfg(...)]`.
///
/// ```
/// #[derive(Clone, Copy)]
/// pub enum ItemProperty { Name }
/// impl odata_runtime::client::Field for ItemProperty {
///     fn name(self) -> &'static str { "name" }
/// }
/// pub struct ItemFilter;
/// odata_runtime::__private::filter_operands!(ItemFilter, ItemProperty, [name "name" => String]);
/// assert_eq!(ItemFilter::name().eq("x").as_str(), "name eq 'x'");
/// ```
#[macro_export]
macro_rules! filter_operands {
    (
        $filter:ident, $prop:ty,
        [$($(#[$cfg:meta])* $name:ident $wire:literal => $value:ty $(= $enum_type:literal)?),* $(,)?] $(,)?
    ) => {
        // A property may be called `default` or `new`.
        #[allow(clippy::should_implement_trait, clippy::new_ret_no_self)]
        impl $filter {
            $(
                #[doc = ::core::concat!("`", $wire, "`, as a filter operand.")]
                $(#[$cfg])*
                pub fn $name() -> $crate::client::filter::Property<$prop, $value> {
                    $crate::client::filter::Property::new($wire) $(.enum_type($enum_type))?
                }
            )*
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Clone, Copy)]
    enum E {}

    #[test]
    fn precedence_adds_only_needed_parentheses() {
        let a: Property<E, i32> = Property::new("a");
        let f = a.eq(1).or(a.eq(2)).and(a.ne(3)).or(a.lt(0).not());
        assert_eq!(f.as_str(), "(a eq 1 or a eq 2) and a ne 3 or not a lt 0");
        let g = a.eq(1).and(a.eq(2)).not();
        assert_eq!(g.as_str(), "not (a eq 1 and a eq 2)");
        assert_eq!(Filter::<E>::raw("x or y").and(a.eq(1)).as_str(), "(x or y) and a eq 1");
        assert_eq!(Filter::all_of([a.eq(1), a.eq(2), a.eq(3)]).unwrap().as_str(), "a eq 1 and a eq 2 and a eq 3");
        assert!(Filter::<E>::any_of([]).is_none());
        assert_eq!(a.in_(Vec::<i32>::new()).as_str(), "false");
    }

    #[test]
    fn nested_lambdas_number_their_variables() {
        let s: Property<E, Vec<Vec<i32>>> = Property::new("sessions");
        let f = s.any(|x| x.all(|y| y.gt(1)));
        assert_eq!(f.as_str(), "sessions/any(s:s/all(s1:s1 gt 1))");
    }
}
