//! `client::azure::AzureCredential`: an `azure_core` `TokenCredential` as the client's token
//! provider, through a scripted transport.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use azure_core::credentials::{AccessToken, TokenCredential, TokenRequestOptions};
use azure_core::time::{Duration as AzureDuration, OffsetDateTime};
use http::Method;
use odata_runtime::client::azure::AzureCredential;
use odata_runtime::client::{ApiVersion, BoxFuture, Client, Cloud, Error, Request, Transport, TransportError};
use serde_json::Value;

/// Hands out `azure-token` and records the scopes it was asked for.
#[derive(Debug, Default)]
struct Fixed {
    scopes: Mutex<Vec<String>>,
    calls: AtomicUsize,
    fail: bool,
}

#[async_trait::async_trait]
impl TokenCredential for Fixed {
    async fn get_token(&self, scopes: &[&str], _: Option<TokenRequestOptions<'_>>) -> azure_core::Result<AccessToken> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        self.scopes.lock().unwrap().extend(scopes.iter().map(|s| s.to_string()));
        if self.fail {
            return Err(azure_core::Error::with_message(azure_core::error::ErrorKind::Credential, "no identity here"));
        }
        Ok(AccessToken::new("azure-token", OffsetDateTime::now_utc() + AzureDuration::hours(1)))
    }
}

#[derive(Clone, Default)]
struct Record(Arc<Mutex<Vec<http::Request<Vec<u8>>>>>);

impl Transport for Record {
    fn send(&self, request: http::Request<Vec<u8>>) -> BoxFuture<'_, Result<http::Response<Vec<u8>>, TransportError>> {
        self.0.lock().unwrap().push(request);
        Box::pin(async { Ok(http::Response::builder().status(200).body(b"{}".to_vec()).unwrap()) })
    }
}

#[tokio::test]
async fn an_azure_credential_gives_the_bearer_token_for_the_cloud_scope() {
    let credential = Arc::new(Fixed::default());
    let record = Record::default();
    let provider = AzureCredential::new(credential.clone(), &Cloud::China);
    assert_eq!(provider.scope(), "https://microsoftgraph.chinacloudapi.cn/.default");
    assert!(!format!("{provider:?}").contains("azure-token"));
    let c = Client::builder_for(&Cloud::China, ApiVersion::V1)
        .transport(record.clone())
        .token_provider(provider)
        .build()
        .unwrap();
    Request::<Value>::new(&c, Method::GET, "me".into()).send().await.unwrap();
    let seen = record.0.lock().unwrap();
    assert_eq!(seen[0].uri(), "https://microsoftgraph.chinacloudapi.cn/v1.0/me");
    assert_eq!(seen[0].headers()["authorization"], "Bearer azure-token");
    assert_eq!(*credential.scopes.lock().unwrap(), ["https://microsoftgraph.chinacloudapi.cn/.default"]);
}

#[tokio::test]
async fn a_failing_azure_credential_is_a_credentials_error() {
    let credential = Arc::new(Fixed { fail: true, ..Fixed::default() });
    let record = Record::default();
    let c = Client::builder("https://graph.microsoft.com/v1.0")
        .transport(record.clone())
        .token_provider(AzureCredential::with_scope(credential, "api://x/.default"))
        .build()
        .unwrap();
    let e = Request::<Value>::new(&c, Method::GET, "me".into()).send().await.unwrap_err();
    assert!(matches!(&e, Error::Credentials(m) if m.contains("no identity here")), "{e:?}");
    assert!(record.0.lock().unwrap().is_empty());
}
