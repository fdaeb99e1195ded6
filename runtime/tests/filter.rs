//! Typed filters rendered against the examples of OData Version 4.01 Part 2: URL Conventions
//! (section numbers of the OASIS Standard) and the literal forms of the OData ABNF
//! (`odata-abnf-construction-rules`, rule `primitiveLiteral`).

use odata_runtime::client::filter::{Filter, Operand, Property};
use odata_runtime::client::literal::Literal;
use odata_runtime::edm::{parse_date, parse_date_time_offset, parse_time_of_day, Binary, Decimal, Duration, Guid};
use odata_runtime::enums::Flags;

/// The entity type of the examples (the spec's `Products`, `Customers`, `Orders`).
#[derive(Clone, Copy)]
enum Product {}

fn p<T>(name: &str) -> Property<Product, T> {
    Property::new(name)
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Color {
    Yellow,
    Red,
    Other(String),
}

odata_runtime::__private::enum_members!(Color, Other, [0 Yellow "Yellow", 1 Red "Red"], [1, 0]);

#[test]
fn comparison_operators_5_1_1_1() {
    // 5.1.1.1.1 Equals: Name eq 'Milk'
    assert_eq!(p::<String>("Name").eq("Milk").as_str(), "Name eq 'Milk'");
    // 5.1.1.1.2 Not Equals: Name ne 'Milk'
    assert_eq!(p::<String>("Name").ne("Milk").as_str(), "Name ne 'Milk'");
    // 5.1.1.1.3 - 5.1.1.1.6: Price gt 2.55, Price ge 2.55, Price lt 2.55, Price le 2.55
    let price = p::<f64>("Price");
    assert_eq!(price.gt(2.55).as_str(), "Price gt 2.55");
    assert_eq!(price.ge(2.55).as_str(), "Price ge 2.55");
    assert_eq!(price.lt(2.55).as_str(), "Price lt 2.55");
    assert_eq!(price.le(2.55).as_str(), "Price le 2.55");
    // 5.1.1.1.10 Has: Style has Sales.Color'Yellow'
    let style: Property<Product, Flags<Color>> = p("Style").enum_type("Sales.Color");
    assert_eq!(style.has(Color::Yellow).as_str(), "Style has Sales.Color'Yellow'");
    // 5.1.1.1.11 In: Address/City in ('Redmond', 'London') -- written without the optional
    // blank after the comma (BWS in the ABNF rule listExpr).
    assert_eq!(p::<String>("Address/City").in_(["Redmond", "London"]).as_str(), "Address/City in ('Redmond','London')");
    // 5.1.1.1.12: null comparisons, CompanyName eq null
    assert_eq!(p::<String>("CompanyName").is_null().as_str(), "CompanyName eq null");
}

#[test]
fn logical_operators_5_1_1_3() {
    let name = p::<String>("Name");
    let price = p::<f64>("Price");
    // 5.1.1.3.1 And: Name eq 'Milk' and Price lt 2.55
    assert_eq!(name.eq("Milk").and(price.lt(2.55)).as_str(), "Name eq 'Milk' and Price lt 2.55");
    // 5.1.1.3.2 Or: Name eq 'Milk' or Price lt 2.55
    assert_eq!(name.eq("Milk").or(price.lt(2.55)).as_str(), "Name eq 'Milk' or Price lt 2.55");
    // 5.1.1.3.3 Not: not endswith(Name,'ilk')
    assert_eq!(name.endswith("ilk").not().as_str(), "not endswith(Name,'ilk')");
    assert_eq!((!name.endswith("ilk")).as_str(), "not endswith(Name,'ilk')");
    // 5.1.1.15 Operator precedence: grouping where `or` sits below `and`
    let f = name.eq("Milk").or(name.eq("Cheese")).and(price.lt(2.55));
    assert_eq!(f.as_str(), "(Name eq 'Milk' or Name eq 'Cheese') and Price lt 2.55");
}

#[test]
fn string_functions_5_1_1_5() {
    let company = p::<String>("CompanyName");
    // 5.1.1.5.1 contains: contains(CompanyName,'freds')
    assert_eq!(company.contains("freds").as_str(), "contains(CompanyName,'freds')");
    // 5.1.1.5.2 endswith: endswith(CompanyName,'Futterkiste')
    assert_eq!(company.endswith("Futterkiste").as_str(), "endswith(CompanyName,'Futterkiste')");
    // 5.1.1.5.3 startswith: startswith(CompanyName,'Futterkiste')
    assert_eq!(company.startswith("Futterkiste").as_str(), "startswith(CompanyName,'Futterkiste')");
}

#[test]
fn lambda_operators_5_1_1_13() {
    // 5.1.1.13.1 any: Items/any(d:d/Quantity gt 100) -- the variable is the collection's first
    // letter: Items/any(i:i/Quantity gt 100).
    let items: Property<Product, Vec<serde_json::Value>> = p("Items");
    let f = items.any(|i| i.member_raw::<i32>("Quantity").gt(100));
    assert_eq!(f.as_str(), "Items/any(i:i/Quantity gt 100)");
    // 5.1.1.13.2 all: Items/all(d:d/Quantity gt 100)
    let f = items.all(|i| i.member_raw::<i32>("Quantity").gt(100));
    assert_eq!(f.as_str(), "Items/all(i:i/Quantity gt 100)");
    assert_eq!(items.is_not_empty().as_str(), "Items/any()");
    // An enumeration collection, qualified as OData 4.0 requires.
    let modalities: Property<Product, Vec<Color>> = p("Colors").enum_type("Sales.Color");
    assert_eq!(modalities.any(|c| c.eq(Color::Red)).as_str(), "Colors/any(c:c eq Sales.Color'Red')");
    let unqualified: Property<Product, Vec<Color>> = p("Colors");
    assert_eq!(unqualified.any(|c| c.eq(Color::Red)).as_str(), "Colors/any(c:c eq 'Red')");
}

/// 5.1.1.6.1 Primitive Literals, and the ABNF rules named in each comment.
#[test]
fn primitive_literals_5_1_1_6_1() {
    fn lit<T, V: Operand<T>>(v: V) -> String {
        v.to_operand(None)
    }
    // nullValue: null
    assert_eq!(p::<String>("X").is_null().as_str(), "X eq null");
    // binary: binary'T0RhdGE' (base64url of "OData", no padding)
    assert_eq!(lit::<Binary, _>(Binary(b"OData".to_vec())), "binary'T0RhdGE'");
    // booleanValue: true, false
    assert_eq!(lit::<bool, _>(true), "true");
    assert_eq!(lit::<bool, _>(false), "false");
    // byteValue: 255; sbyteValue: -128; int16Value: -32768; int32Value: -2147483648
    assert_eq!(lit::<u8, _>(255u8), "255");
    assert_eq!(lit::<i8, _>(-128i8), "-128");
    assert_eq!(lit::<i16, _>(-32768i16), "-32768");
    assert_eq!(lit::<i32, _>(-2147483648i32), "-2147483648");
    // int64Value: 64, -9223372036854775808 (no suffix: the 3.0 `L` is gone)
    assert_eq!(lit::<i64, _>(64i64), "64");
    assert_eq!(lit::<i64, _>(i64::MIN), "-9223372036854775808");
    // dateValue: 2000-12-12
    assert_eq!(lit::<odata_runtime::edm::Date, _>(parse_date("2000-12-12").unwrap()), "2000-12-12");
    // dateTimeOffsetValue: 2012-12-03T07:16:23Z, unquoted
    let t = parse_date_time_offset("2012-12-03T07:16:23Z").unwrap();
    assert_eq!(lit::<odata_runtime::edm::DateTimeOffset, _>(t), "2012-12-03T07:16:23Z");
    // decimalValue: 2.345 (no `M` suffix in 4.0/4.01)
    assert_eq!(lit::<Decimal, _>("2.345".parse::<Decimal>().unwrap()), "2.345");
    // doubleValue: 2.55 (as in the comparison examples), NaN, INF, -INF
    assert_eq!(lit::<f64, _>(2.55f64), "2.55");
    assert_eq!(lit::<f64, _>(f64::NAN), "NaN");
    assert_eq!(lit::<f64, _>(f64::INFINITY), "INF");
    assert_eq!(lit::<f32, _>(f32::NEG_INFINITY), "-INF");
    // durationValue: duration'P12DT23H59M59.999999999S' -- the spec's example has 12
    // fractional digits, finer than Edm.Duration's nanoseconds; the form is the same.
    let d: Duration = "P12DT23H59M59.999999999S".parse().unwrap();
    assert_eq!(lit::<Duration, _>(d), "duration'P12DT23H59M59.999999999S'");
    // guidValue: 01234567-89ab-cdef-0123-456789abcdef, bare
    let g: Guid = "01234567-89ab-cdef-0123-456789abcdef".parse().unwrap();
    assert_eq!(lit::<Guid, _>(g), "01234567-89ab-cdef-0123-456789abcdef");
    // timeOfDayValue: 07:59:59.999
    assert_eq!(lit::<odata_runtime::edm::TimeOfDay, _>(parse_time_of_day("07:59:59.999").unwrap()), "07:59:59.999");
    // string: 'Say Hello,then go' and a doubled quote: 'O''Neil'
    assert_eq!(lit::<String, _>("Say Hello,then go"), "'Say Hello,then go'");
    assert_eq!(lit::<String, _>("O'Neil"), "'O''Neil'");
    // enum: Sales.Pattern'Yellow' (qualified), 'Yellow' (4.01, unqualified)
    assert_eq!(Color::Yellow.to_operand(Some("Sales.Pattern")), "Sales.Pattern'Yellow'");
    assert_eq!(Color::Yellow.to_operand(None), "'Yellow'");
    // enum flags: Sales.Pattern'Yellow,Red'
    let flags: Flags<Color> = [Color::Yellow, Color::Red].into_iter().collect();
    assert_eq!(flags.to_operand(Some("Sales.Pattern")), "Sales.Pattern'Yellow,Red'");
    // The URL literal of Literal itself agrees for every primitive.
    assert_eq!(t.to_literal(), "2012-12-03T07:16:23Z");
    assert_eq!(g.to_literal(), "01234567-89ab-cdef-0123-456789abcdef");
}

#[test]
fn order_by_several_properties_5_1_5() {
    // 5.1.5 System Query Option $orderby: $orderby=ReleaseDate asc, Rating desc -- `asc` is
    // the default and is left out.
    use odata_runtime::client::filter::OrderBy;
    let items: Vec<OrderBy<Product>> = vec![p::<i32>("ReleaseDate").asc(), p::<i32>("Rating").desc()];
    let written: Vec<String> = items.iter().map(OrderBy::to_item).collect();
    assert_eq!(written, ["ReleaseDate", "Rating desc"]);
}

#[test]
fn raw_filters_stay_possible() {
    let f: Filter<Product> = Filter::raw("geo.distance(Location,geography'POINT(0 0)') lt 10");
    assert_eq!(f.and(p::<i32>("A").eq(1)).as_str(), "(geo.distance(Location,geography'POINT(0 0)') lt 10) and A eq 1");
}
