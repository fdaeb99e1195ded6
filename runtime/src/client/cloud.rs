//! [`Cloud`]: where Microsoft Graph and its sign-in authority are in each national cloud, and
//! the [`ApiVersion`] below the service root.
//!
//! The presets follow Microsoft's "Microsoft Graph national cloud deployments" page: the
//! Microsoft Graph service root endpoints and the Microsoft Entra ID (token service) endpoints.
//! Microsoft 365 GCC tenants use the global endpoints; GCC High uses
//! [`Cloud::UsGovernmentL4`], DoD [`Cloud::UsGovernmentL5`].

use std::borrow::Cow;
use std::fmt;

/// A version of the Microsoft Graph API: the first path segment below the service root.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum ApiVersion {
    /// `v1.0`: the generally available API.
    #[default]
    V1,
    /// `beta`: preview APIs, subject to change.
    Beta,
}

impl ApiVersion {
    /// The path segment: `v1.0` or `beta`.
    pub fn as_str(self) -> &'static str {
        match self {
            ApiVersion::V1 => "v1.0",
            ApiVersion::Beta => "beta",
        }
    }
}

impl fmt::Display for ApiVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A Microsoft Graph deployment: the service root and the sign-in authority that issues tokens
/// for it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Cloud {
    /// The global service: `https://graph.microsoft.com`, signed in at
    /// `https://login.microsoftonline.com` (also Microsoft 365 GCC).
    Global,
    /// US Government L4 (GCC High): `https://graph.microsoft.us`, signed in at
    /// `https://login.microsoftonline.us`.
    UsGovernmentL4,
    /// US Government L5 (DoD): `https://dod-graph.microsoft.us`, signed in at
    /// `https://login.microsoftonline.us`.
    UsGovernmentL5,
    /// China, operated by 21Vianet: `https://microsoftgraph.chinacloudapi.cn`, signed in at
    /// `https://login.chinacloudapi.cn`.
    China,
    /// Any other deployment; made with [`Cloud::custom`].
    Custom {
        /// The service root, without a trailing slash.
        graph: Cow<'static, str>,
        /// The sign-in authority, without a trailing slash.
        authority: Cow<'static, str>,
    },
}

impl Cloud {
    /// A deployment at `graph_base` (the service root, e.g. `https://graph.example`) whose
    /// tokens come from `authority` (e.g. `https://login.example`); trailing slashes are
    /// dropped.
    pub fn custom(graph_base: impl Into<String>, authority: impl Into<String>) -> Cloud {
        let trim = |s: String| s.trim().trim_end_matches('/').to_owned();
        Cloud::Custom { graph: Cow::Owned(trim(graph_base.into())), authority: Cow::Owned(trim(authority.into())) }
    }

    /// The Microsoft Graph service root, e.g. `https://graph.microsoft.com`.
    pub fn graph_base(&self) -> &str {
        match self {
            Cloud::Global => "https://graph.microsoft.com",
            Cloud::UsGovernmentL4 => "https://graph.microsoft.us",
            Cloud::UsGovernmentL5 => "https://dod-graph.microsoft.us",
            Cloud::China => "https://microsoftgraph.chinacloudapi.cn",
            Cloud::Custom { graph, .. } => graph,
        }
    }

    /// The sign-in authority (Microsoft Entra ID endpoint), e.g.
    /// `https://login.microsoftonline.com`.
    pub fn authority(&self) -> &str {
        match self {
            Cloud::Global => "https://login.microsoftonline.com",
            Cloud::UsGovernmentL4 | Cloud::UsGovernmentL5 => "https://login.microsoftonline.us",
            Cloud::China => "https://login.chinacloudapi.cn",
            Cloud::Custom { authority, .. } => authority,
        }
    }

    /// The base URL of `version`, e.g. `https://graph.microsoft.com/v1.0`: what
    /// [`Client::builder`](super::Client::builder) takes.
    pub fn service_url(&self, version: ApiVersion) -> String {
        format!("{}/{}", self.graph_base(), version.as_str())
    }

    /// The scope of an app-only token for this deployment's Microsoft Graph:
    /// `{graph_base}/.default`, e.g. `https://graph.microsoft.com/.default`.
    pub fn default_scope(&self) -> String {
        format!("{}/.default", self.graph_base())
    }

    /// The OAuth 2.0 token endpoint of `tenant` (a tenant id, a domain, or `organizations`):
    /// `{authority}/{tenant}/oauth2/v2.0/token`. `tenant` is percent-encoded as one path
    /// segment.
    pub fn token_endpoint(&self, tenant: &str) -> String {
        format!("{}/{}/oauth2/v2.0/token", self.authority(), super::encode_segment(tenant.trim()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn presets_match_the_national_cloud_table() {
        let rows: Vec<(String, &str, String)> =
            [Cloud::Global, Cloud::UsGovernmentL4, Cloud::UsGovernmentL5, Cloud::China]
                .iter()
                .map(|c| (c.service_url(ApiVersion::V1), c.authority(), c.default_scope()))
                .collect();
        assert_eq!(
            rows,
            [
                (
                    "https://graph.microsoft.com/v1.0".into(),
                    "https://login.microsoftonline.com",
                    "https://graph.microsoft.com/.default".into()
                ),
                (
                    "https://graph.microsoft.us/v1.0".into(),
                    "https://login.microsoftonline.us",
                    "https://graph.microsoft.us/.default".into()
                ),
                (
                    "https://dod-graph.microsoft.us/v1.0".into(),
                    "https://login.microsoftonline.us",
                    "https://dod-graph.microsoft.us/.default".into()
                ),
                (
                    "https://microsoftgraph.chinacloudapi.cn/v1.0".into(),
                    "https://login.chinacloudapi.cn",
                    "https://microsoftgraph.chinacloudapi.cn/.default".into()
                ),
            ]
        );
        assert_eq!(Cloud::Global.service_url(ApiVersion::Beta), "https://graph.microsoft.com/beta");
        assert_eq!(
            Cloud::Global.token_endpoint("contoso.onmicrosoft.com"),
            "https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token"
        );
        assert_eq!(
            Cloud::Global.token_endpoint("a/b?c"),
            "https://login.microsoftonline.com/a%2Fb%3Fc/oauth2/v2.0/token"
        );
        let custom = Cloud::custom("https://graph.example/", "https://login.example/");
        assert_eq!(
            (custom.service_url(ApiVersion::V1).as_str(), custom.token_endpoint("t").as_str()),
            ("https://graph.example/v1.0", "https://login.example/t/oauth2/v2.0/token")
        );
    }
}
