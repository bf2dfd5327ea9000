//! Renames an IM group on an Exchange server.
//!
//! ```sh
//! EWS_URL=https://mail.example.com/EWS/Exchange.asmx EWS_USER=user@example.com EWS_PASSWORD=... \
//!     cargo run -p ewsgen --features client --example set_im_group -- <group-id> <new-display-name>
//! ```
//!
//! The environment (see `common/mod.rs`): `EWS_URL`; `EWS_USER` and `EWS_PASSWORD`, or
//! `EWS_TOKEN` (an OAuth2 bearer token);
//! `EWS_AUTH=basic|ntlm|bearer|negotiate|client_credentials` (default: bearer when
//! `EWS_TOKEN` is set, else basic); `EWS_VERSION` sets `RequestServerVersion` (any version
//! string, such as `V2018_01_08`, is sent as given; unset, the client negotiates it);
//! `EWS_RESOLVE=host=ip:port,...`; `EWS_CA_FILE=path.pem`; `EWS_MAX_CONCURRENCY`;
//! `RUST_LOG`.
//!
//! On success it prints the response code and exits 0; on an EWS error or a SOAP fault it
//! prints the response code and message on stderr and exits 1 (other failures: 1 too,
//! usage: 2). A request the schema does not allow (an empty display name: the schema's
//! `NonEmptyStringType`) is refused before anything is sent: the error, naming the element
//! path, on stderr, and exit 1.

use std::process::ExitCode;

use ewsgen::messages::SetImGroupType;
use ewsgen::types::ItemIdType;
use ewsgen::ResponseMessage as _;

mod common;

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    common::init_tracing();
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [group_id, new_name] = args.as_slice() else {
        eprintln!("usage: set_im_group <group-id> <new-display-name>");
        eprintln!("environment: EWS_URL, and EWS_USER with EWS_PASSWORD or EWS_TOKEN");
        return ExitCode::from(2);
    };
    let client = match common::client() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    let headers = common::headers();
    let request = SetImGroupType::new(ItemIdType::new(group_id.clone()), new_name.clone());

    match client.call(&request, &headers).await {
        Ok(response) => match response.body.into_result() {
            Ok(ok) => {
                let code = ok.response_code_str().unwrap_or("NoError");
                println!("{code}");
                ExitCode::SUCCESS
            }
            Err(e) => {
                let code = e.code.as_ref().map_or("(none)".into(), |c| c.to_string());
                eprintln!("{code}: {}", e.message_text.as_deref().unwrap_or(""));
                ExitCode::FAILURE
            }
        },
        Err(e) => {
            common::report(&e);
            ExitCode::FAILURE
        }
    }
}
