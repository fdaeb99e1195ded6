//! Typed `$filter` operands in the client crate: beside each entity type's property enum
//! (`CallRecordProperty`), a unit struct (`CallRecordFilter`) with one function per property
//! giving an `odata_runtime::client::filter::Property<CallRecordProperty, T>`, `T` the Rust type
//! of the property's values, the marker that lets a filter step from a property of the
//! entity type into the type's own properties, and `asc`/`desc` on the property enum for
//! `$orderby` without importing the `Field` trait.

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

use super::cfg_ref;
use crate::model::{Model, TypeId, TypeKind};
use crate::plan::{Plan, RustType};

/// The filter items of entity type `id`, whose property enum is `prop` (and `cfg` its
/// condition), for a client crate over `model_crate`.
pub(super) fn entity_filters(
    model: &Model,
    plan: &Plan,
    model_crate: &Ident,
    id: TypeId,
    prop: &Ident,
    cfg: &TokenStream,
    non_filterable: &std::collections::BTreeSet<String>,
) -> TokenStream {
    let q = model.ty(id).qualified();
    let prop_name = prop.to_string();
    // `XProperty` -> `XFilter`, `XProperty2` -> `XFilter2`: unique as the property enums are,
    // and never one of the `...Path`/`...Property` names beside them.
    let filter_name = match prop_name.rsplit_once("Property") {
        Some((head, tail)) => format!("{head}Filter{tail}"),
        None => format!("{prop_name}Filter"),
    };
    let filter = ident(&filter_name);
    let mut fns = Vec::new();
    for f in plan.fields[&id].iter().filter(|f| !non_filterable.contains(&f.wire)) {
        let ty = strip_boxes(&f.ty);
        let value = rust_type(plan, model_crate, &ty);
        let name = ident(&f.rust);
        let wire = &f.wire;
        let mut targets = Vec::new();
        collect_targets(&ty, &mut targets);
        let fcfg = cfg_ref(plan, Some(id), &targets);
        let enum_type = enum_of(model, &ty).map(|e| {
            let qualified = model.ty(e).qualified();
            quote! { = #qualified }
        });
        fns.push(quote! { #fcfg #name #wire => #value #enum_type });
    }
    let doc = format!(
        " Typed `$filter` operands of `{q}`: `{filter_name}::property().ge(value)`, combined with \
         `and`/`or`/`not`, given to `Request::filter`."
    );
    let n = &plan.names[id.0 as usize];
    let m = ident(&n.module);
    let mut structured = Vec::new();
    for name in std::iter::once(&n.name).chain(n.any.as_ref()) {
        let t = ident(name);
        structured.push(quote! {
            #cfg
            impl ::odata_runtime::client::filter::Structured<#prop> for ::#model_crate::#m::#t {}
        });
    }
    quote! {
        #cfg
        impl #prop {
            /// This property, ascending, as a `Request::order_by` item.
            pub fn asc(self) -> ::odata_runtime::client::filter::OrderBy<Self> {
                ::odata_runtime::client::Field::asc(self)
            }

            /// This property, descending, as a `Request::order_by` item.
            pub fn desc(self) -> ::odata_runtime::client::filter::OrderBy<Self> {
                ::odata_runtime::client::Field::desc(self)
            }
        }

        #[doc = #doc]
        #cfg
        #[derive(Debug, Clone, Copy)]
        pub struct #filter;

        #cfg
        ::odata_runtime::__private::filter_operands!(#filter, #prop, [#(#fns),*]);

        #(#structured)*
    }
}

fn ident(name: &str) -> Ident {
    match name.strip_prefix("r#") {
        Some(raw) => Ident::new_raw(raw, Span::call_site()),
        None => Ident::new(name, Span::call_site()),
    }
}

/// The type without `Box`es: filters name values, not how a struct holds them.
fn strip_boxes(t: &RustType) -> RustType {
    match t {
        RustType::Boxed(inner) => strip_boxes(inner),
        RustType::Vec(inner) => RustType::Vec(Box::new(strip_boxes(inner))),
        other => other.clone(),
    }
}

fn collect_targets(t: &RustType, out: &mut Vec<TypeId>) {
    match t {
        RustType::Path(_) => {}
        RustType::Named { id, .. } | RustType::Flags(id) => out.push(*id),
        RustType::Vec(inner) | RustType::Boxed(inner) => collect_targets(inner, out),
    }
}

/// The enumeration type of the values (or of the items of a collection).
fn enum_of(model: &Model, t: &RustType) -> Option<TypeId> {
    match t {
        RustType::Flags(id) => Some(*id),
        RustType::Named { id, .. } if matches!(model.ty(*id).kind, TypeKind::Enum(_)) => Some(*id),
        RustType::Vec(inner) | RustType::Boxed(inner) => enum_of(model, inner),
        _ => None,
    }
}

fn rust_type(plan: &Plan, model_crate: &Ident, t: &RustType) -> TokenStream {
    match t {
        RustType::Path(p) => p.parse().expect("primitive paths are valid Rust"),
        RustType::Named { id, any } => {
            let n = &plan.names[id.0 as usize];
            let m = ident(&n.module);
            let name = ident(if *any { n.any.as_deref().unwrap_or(&n.name) } else { &n.name });
            quote! { ::#model_crate::#m::#name }
        }
        RustType::Flags(id) => {
            let e = rust_type(plan, model_crate, &RustType::Named { id: *id, any: false });
            quote! { ::odata_runtime::enums::Flags<#e> }
        }
        RustType::Vec(inner) => {
            let i = rust_type(plan, model_crate, inner);
            quote! { ::std::vec::Vec<#i> }
        }
        RustType::Boxed(inner) => rust_type(plan, model_crate, inner),
    }
}
