//! [`AzureCredential`] (feature `azure-identity`): any `azure_core` [`TokenCredential`] as a
//! [`TokenProvider`], e.g. `azure_identity`'s managed identity, workload identity, Azure CLI or
//! client secret credentials.
//!
//! The credential brings its own HTTP client and token cache (those of `azure_identity` cache
//! and refresh tokens); this adapter asks it for a token of one scope per request, by default
//! the Microsoft Graph scope of a [`Cloud`] (`{graph_base}/.default`).
//!
//! ```ignore
//! let credential = azure_identity::ManagedIdentityCredential::new(None)?;
//! let client = Client::builder_for(&Cloud::Global, ApiVersion::V1)
//!     .token_provider(AzureCredential::new(credential, &Cloud::Global))
//!     .build()?;
//! ```

use std::fmt;
use std::sync::Arc;

pub use azure_core::credentials::TokenCredential;

use super::{BoxFuture, Cloud, Error, TokenProvider};

/// An `azure_core` [`TokenCredential`] as a [`TokenProvider`] for one scope; see the
/// [module docs](self).
#[derive(Clone)]
pub struct AzureCredential {
    credential: Arc<dyn TokenCredential>,
    scope: String,
}

impl fmt::Debug for AzureCredential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AzureCredential").field("scope", &self.scope).finish_non_exhaustive()
    }
}

impl AzureCredential {
    /// Tokens from `credential` for Microsoft Graph in `cloud` (scope `{graph_base}/.default`).
    pub fn new(credential: Arc<dyn TokenCredential>, cloud: &Cloud) -> Self {
        AzureCredential { credential, scope: cloud.default_scope() }
    }

    /// Tokens from `credential` for `scope`.
    pub fn with_scope(credential: Arc<dyn TokenCredential>, scope: impl Into<String>) -> Self {
        AzureCredential { credential, scope: scope.into() }
    }

    /// The scope tokens are asked for.
    pub fn scope(&self) -> &str {
        &self.scope
    }
}

impl TokenProvider for AzureCredential {
    fn token(&self) -> BoxFuture<'_, Result<String, Error>> {
        Box::pin(async move {
            let scopes = [self.scope.as_str()];
            let token = self
                .credential
                .get_token(&scopes, None)
                .await
                .map_err(|e| Error::Credentials(format!("the Azure credential gave no token: {e}")))?;
            Ok(token.token.secret().to_owned())
        })
    }
}
