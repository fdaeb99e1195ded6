//! Runtime support shared by every crate generated from OData CSDL metadata.
//!
//! Generated model crates contain plain Rust structs and enums whose fields are `Option`s of
//! ordinary Rust types. Everything about the OData JSON wire format lives here instead of in
//! the generated code:
//!
//! - [`wire`]: the [`Edm`] trait, which says how one property value is read and written
//!   (Int64 as number or string, non-finite doubles as `"NaN"`/`"INF"`, exact decimals, ...).
//! - [`edm`]: the Edm primitive types that have no exact std counterpart
//!   ([`edm::Duration`], [`edm::Binary`], ...) and the wire forms of dates and times.
//! - [`object`]: [`object::Extra`] (unknown properties, annotations and explicit nulls kept on
//!   every structure), the [`object::Structure`] trait generated structs implement, and
//!   polymorphic dispatch on `@odata.type` ([`object::Polymorphic`]).
//! - [`enums`]: evolvable enumerations ([`enums::EnumMember`]) and flags ([`enums::Flags`]).
//! - `client` (cargo feature `client`): what generated request-builder crates call: URL
//!   literals and percent-encoding, query options, sending through a `client::Transport`
//!   with retries (`client::RetryPolicy`), paging over `@odata.nextLink`, typed OData errors,
//!   national clouds (`client::Cloud`). Feature `reqwest` adds a ready transport, tokio's timer
//!   for retries (feature `tokio`) and app-only sign-in (feature `auth`:
//!   `client::auth::ClientCredentials`); feature `azure-identity` takes tokens from an
//!   `azure_core` credential.
//!
//! The crate re-exports [`serde`] and [`serde_json`] so generated code can name them through
//! `odata_runtime::` without depending on them directly.
#![warn(missing_docs)]
#![forbid(unsafe_code)]
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing))]

#[cfg(feature = "client")]
pub mod client;
pub mod collection;
pub mod edm;
pub mod enums;
pub mod object;
pub mod wire;

#[doc(no_inline)]
pub use serde;
#[doc(no_inline)]
pub use serde_json;

pub use collection::{Collection, Single};

/// What generated code calls and hand-written code should not: the bodies of the generated
/// `Structure`, `Polymorphic` and enum impls, URL path building and action bodies. Not part of
/// the documented API: anything here may change in any release, together with the generator.
#[doc(hidden)]
pub mod __private {
    #[cfg(feature = "client")]
    pub use crate::client::{
        json_body, json_value,
        literal::enum_member,
        path::{encode_segment, function_call, key_predicate},
    };
    pub use crate::enums::{deserialize_enum, serialize_enum};
    pub use crate::object::{
        deserialize_polymorphic, deserialize_structure, fill_into, fill_structure, fill_structure_after_type, read,
        serialize_structure, serialize_typed, undeclared, write, write_fields,
    };
    pub use crate::{enum_members, impl_enum, impl_structure, impl_structure_serde};
    #[cfg(feature = "client")]
    pub use crate::{filter_operands, impl_path_debug};
}
pub use wire::{Edm, In, Out};
