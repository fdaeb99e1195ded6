//! `$batch` with requests built by the generated callRecords client, over a loopback server:
//! the exact call and body, and each answer read as its request's type.

use callrecords_client::call_records::{CallRecordFilter, CallRecordProperty};
use callrecords_client::{Client, Error, GraphService};
use callrecords_model::call_records::{CallType, Session};
use odata_runtime::client::batch::{Batch, ItemOptions};
use odata_runtime::Collection;
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[tokio::test]
async fn generated_requests_in_one_batch_with_typed_answers() {
    let server = MockServer::start().await;
    let answers = serde_json::json!({"responses": [
        {"id": "2", "status": 200, "headers": {"content-type": "application/json"},
         "body": {"value": [{"id": "s1"}, {"id": "s2"}]}},
        {"id": "3", "status": 404, "headers": {"content-type": "application/json"},
         "body": {"error": {"code": "NotFound", "message": "no record"}}},
        {"id": "1", "status": 200, "headers": {"content-type": "application/json"},
         "body": {"id": "r1", "type": "groupCall"}},
    ]});
    Mock::given(method("POST"))
        .and(path("/beta/$batch"))
        .and(header("authorization", "Bearer t"))
        .and(header("content-type", "application/json"))
        .respond_with(ResponseTemplate::new(200).set_body_json(answers))
        .expect(1)
        .mount(&server)
        .await;
    let client = Client::builder(&format!("{}/beta", server.uri())).token_provider("t").build().unwrap();
    let graph = GraphService::new(client.clone());
    let records = graph.communications().call_records();

    let mut batch = Batch::new(&client);
    let record = batch.add(records.by_id("r1").get().select([CallRecordProperty::Id, CallRecordProperty::Type]));
    let sessions =
        batch.add_with(records.by_id("r1").sessions().list().top(2), ItemOptions::new().depends_on(record.id()));
    let missing = batch.add(records.list().filter(CallRecordFilter::r#type().eq(CallType::PeerToPeer)).top(1));
    let mut responses = batch.send().await.expect("batch");

    let record = responses.take(record).expect("record");
    assert_eq!(record.id.as_deref(), Some("r1"));
    assert_eq!(record.r#type, Some(CallType::GroupCall));
    let sessions: Collection<Session> = responses.take(sessions).expect("sessions");
    assert_eq!(sessions.value.len(), 2);
    let e: Error = responses.take(missing).unwrap_err();
    assert_eq!(e.as_service().and_then(|s| s.code.as_deref()), Some("NotFound"));

    let seen = server.received_requests().await.unwrap();
    let body: serde_json::Value = serde_json::from_slice(&seen[0].body).unwrap();
    assert_eq!(
        body,
        serde_json::json!({"requests": [
            {"id": "1", "method": "GET", "url": "/communications/callRecords/r1?$select=id,type",
             "headers": {"accept": "application/json"}},
            {"id": "2", "method": "GET", "url": "/communications/callRecords/r1/sessions?$top=2",
             "headers": {"accept": "application/json"}, "dependsOn": ["1"]},
            {"id": "3", "method": "GET",
             "url": "/communications/callRecords?$filter=type%20eq%20microsoft.graph.callRecords.callType'peerToPeer'&$top=1",
             "headers": {"accept": "application/json"}},
        ]})
    );
}
