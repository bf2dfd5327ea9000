//! Kerberos through MIT's GSS-API (`libgssapi_krb5`), for `Authorization: Negotiate`
//! (SPNEGO, RFC 4559): credentials from a password (`gss_acquire_cred_with_password`: MIT
//! asks the realm's KDC for a ticket-granting ticket, finding the KDC as it always does,
//! `KRB5_CONFIG`'s `[realms]` then DNS SRV `_kerberos._tcp.<realm>`) or from the user's
//! credential cache (`KRB5CCNAME`, after `kinit`); a context for the service
//! `HTTP@<host>` carrying the TLS connection's channel bindings, with mutual
//! authentication.
//!
//! Behind the `kerberos` feature: it links `libgssapi_krb5` (Debian: `libkrb5-dev` to
//! build, `libgssapi-krb5-2` to run). The declarations below are GSS-API's C bindings
//! (RFC 2744) as MIT's `gssapi.h` has them on Unix.

use std::ffi::c_void;
use std::ptr;

use crate::binding::ChannelBindings;

#[allow(non_camel_case_types)]
mod ffi {
    use std::ffi::{c_int, c_void};

    pub type OM_uint32 = u32;
    pub type gss_name_t = *mut c_void;
    pub type gss_cred_id_t = *mut c_void;
    pub type gss_ctx_id_t = *mut c_void;

    #[repr(C)]
    pub struct gss_buffer_desc {
        pub length: usize,
        pub value: *mut c_void,
    }

    #[repr(C)]
    pub struct gss_OID_desc {
        pub length: OM_uint32,
        pub elements: *mut c_void,
    }

    #[repr(C)]
    pub struct gss_OID_set_desc {
        pub count: usize,
        pub elements: *mut gss_OID_desc,
    }

    #[repr(C)]
    pub struct gss_channel_bindings_struct {
        pub initiator_addrtype: OM_uint32,
        pub initiator_address: gss_buffer_desc,
        pub acceptor_addrtype: OM_uint32,
        pub acceptor_address: gss_buffer_desc,
        pub application_data: gss_buffer_desc,
    }

    pub const GSS_C_MUTUAL_FLAG: OM_uint32 = 2;
    pub const GSS_C_INITIATE: c_int = 1;
    pub const GSS_C_GSS_CODE: c_int = 1;
    pub const GSS_C_MECH_CODE: c_int = 2;
    pub const GSS_C_INDEFINITE: OM_uint32 = 0xffff_ffff;
    pub const GSS_S_CONTINUE_NEEDED: OM_uint32 = 1;
    /// The calling and routine error bits of a major status.
    pub const GSS_ERROR_MASK: OM_uint32 = 0xffff_0000;

    #[link(name = "gssapi_krb5")]
    extern "C" {
        pub fn gss_import_name(
            minor: *mut OM_uint32,
            input_name_buffer: *const gss_buffer_desc,
            input_name_type: *const gss_OID_desc,
            output_name: *mut gss_name_t,
        ) -> OM_uint32;
        pub fn gss_release_name(minor: *mut OM_uint32, name: *mut gss_name_t) -> OM_uint32;
        pub fn gss_acquire_cred(
            minor: *mut OM_uint32,
            desired_name: gss_name_t,
            time_req: OM_uint32,
            desired_mechs: *const gss_OID_set_desc,
            cred_usage: c_int,
            output_cred_handle: *mut gss_cred_id_t,
            actual_mechs: *mut *mut gss_OID_set_desc,
            time_rec: *mut OM_uint32,
        ) -> OM_uint32;
        pub fn gss_acquire_cred_with_password(
            minor: *mut OM_uint32,
            desired_name: gss_name_t,
            password: *const gss_buffer_desc,
            time_req: OM_uint32,
            desired_mechs: *const gss_OID_set_desc,
            cred_usage: c_int,
            output_cred_handle: *mut gss_cred_id_t,
            actual_mechs: *mut *mut gss_OID_set_desc,
            time_rec: *mut OM_uint32,
        ) -> OM_uint32;
        pub fn gss_release_cred(minor: *mut OM_uint32, cred: *mut gss_cred_id_t) -> OM_uint32;
        pub fn gss_init_sec_context(
            minor: *mut OM_uint32,
            claimant_cred_handle: gss_cred_id_t,
            context_handle: *mut gss_ctx_id_t,
            target_name: gss_name_t,
            mech_type: *const gss_OID_desc,
            req_flags: OM_uint32,
            time_req: OM_uint32,
            input_chan_bindings: *const gss_channel_bindings_struct,
            input_token: *const gss_buffer_desc,
            actual_mech_type: *mut *mut gss_OID_desc,
            output_token: *mut gss_buffer_desc,
            ret_flags: *mut OM_uint32,
            time_rec: *mut OM_uint32,
        ) -> OM_uint32;
        pub fn gss_delete_sec_context(
            minor: *mut OM_uint32,
            context_handle: *mut gss_ctx_id_t,
            output_token: *mut gss_buffer_desc,
        ) -> OM_uint32;
        pub fn gss_release_buffer(minor: *mut OM_uint32, buffer: *mut gss_buffer_desc)
            -> OM_uint32;
        pub fn gss_display_status(
            minor: *mut OM_uint32,
            status_value: OM_uint32,
            status_type: c_int,
            mech_type: *const gss_OID_desc,
            message_context: *mut OM_uint32,
            status_string: *mut gss_buffer_desc,
        ) -> OM_uint32;
    }
}

use ffi::*;

/// 1.2.840.113554.1.2.1.4, GSS_C_NT_HOSTBASED_SERVICE (`service@host`).
const NT_HOSTBASED_SERVICE: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x12, 0x01, 0x02, 0x01, 0x04];
/// 1.2.840.113554.1.2.2.1, GSS_KRB5_NT_PRINCIPAL_NAME (`user@REALM`).
const NT_KRB5_PRINCIPAL: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x12, 0x01, 0x02, 0x02, 0x01];
/// 1.2.840.113554.1.2.2, the Kerberos 5 mechanism.
const MECH_KRB5: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x12, 0x01, 0x02, 0x02];
/// 1.3.6.1.5.5.2, SPNEGO.
const MECH_SPNEGO: &[u8] = &[0x2b, 0x06, 0x01, 0x05, 0x05, 0x02];

fn oid(bytes: &'static [u8]) -> gss_OID_desc {
    gss_OID_desc {
        length: bytes.len() as OM_uint32,
        elements: bytes.as_ptr() as *mut c_void,
    }
}

fn buffer(bytes: &[u8]) -> gss_buffer_desc {
    gss_buffer_desc {
        length: bytes.len(),
        value: bytes.as_ptr() as *mut c_void,
    }
}

fn empty() -> gss_buffer_desc {
    gss_buffer_desc {
        length: 0,
        value: ptr::null_mut(),
    }
}

/// GSS-API's words for a major and minor status (MIT's messages name the cause: no KDC for
/// the realm, the principal unknown, a wrong password, an expired ticket...; never a
/// secret).
fn status(what: &str, major: OM_uint32, minor: OM_uint32) -> String {
    let mut parts = Vec::new();
    for (value, kind) in [(major, GSS_C_GSS_CODE), (minor, GSS_C_MECH_CODE)] {
        if value == 0 {
            continue;
        }
        let mut context: OM_uint32 = 0;
        loop {
            let mut out = empty();
            let mut m = 0;
            let krb5 = oid(MECH_KRB5);
            // SAFETY: `out` receives a buffer GSS allocates, released below.
            let r =
                unsafe { gss_display_status(&mut m, value, kind, &krb5, &mut context, &mut out) };
            if r & GSS_ERROR_MASK != 0 {
                break;
            }
            if !out.value.is_null() {
                // SAFETY: GSS returned `length` bytes at `value`.
                let text =
                    unsafe { std::slice::from_raw_parts(out.value as *const u8, out.length) };
                let text = String::from_utf8_lossy(text);
                parts.push(text.trim_end_matches(['\0', ' ']).to_string());
                // SAFETY: the buffer is GSS's.
                unsafe { gss_release_buffer(&mut m, &mut out) };
            }
            if context == 0 {
                break;
            }
        }
    }
    format!("{what}: {}", parts.join("; "))
}

/// An imported name, released when dropped.
struct Name(gss_name_t);

impl Name {
    fn import(text: &str, kind: &'static [u8]) -> Result<Name, String> {
        let mut minor = 0;
        let mut name: gss_name_t = ptr::null_mut();
        let kind = oid(kind);
        let text_buf = buffer(text.as_bytes());
        // SAFETY: the buffer and OID outlive the call; `name` receives a new name.
        let major = unsafe { gss_import_name(&mut minor, &text_buf, &kind, &mut name) };
        if major & GSS_ERROR_MASK != 0 {
            return Err(status(&format!("Kerberos name `{text}`"), major, minor));
        }
        Ok(Name(name))
    }
}

impl Drop for Name {
    fn drop(&mut self) {
        let mut minor = 0;
        // SAFETY: the name was imported and is released once.
        unsafe { gss_release_name(&mut minor, &mut self.0) };
    }
}

/// Kerberos credentials (a ticket-granting ticket) for initiating contexts, released when
/// dropped. The password they were acquired with is not kept.
pub struct Credential {
    handle: gss_cred_id_t,
    principal: Option<String>,
}

// SAFETY: MIT's credential handles may be used from any thread (the library locks its
// caches); a `Credential` is only read after it is made.
unsafe impl Send for Credential {}
// SAFETY: as above.
unsafe impl Sync for Credential {}

impl std::fmt::Debug for Credential {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credential")
            .field("principal", &self.principal)
            .finish_non_exhaustive()
    }
}

impl Credential {
    /// Asks the KDC of `principal`'s realm (`user@REALM`) for a ticket-granting ticket with
    /// `password`, kept in memory (no credential cache is written).
    pub fn with_password(principal: &str, password: &str) -> Result<Credential, String> {
        let name = Name::import(principal, NT_KRB5_PRINCIPAL)?;
        let mut minor = 0;
        let mut handle: gss_cred_id_t = ptr::null_mut();
        let password = buffer(password.as_bytes());
        // SPNEGO's credentials (holding Kerberos'): MIT's SPNEGO finds no mechanism in
        // Kerberos-only credentials made from a password.
        let mut spnego = oid(MECH_SPNEGO);
        let mechs = gss_OID_set_desc {
            count: 1,
            elements: &mut spnego,
        };
        // SAFETY: every pointer is valid for the call; `handle` receives new credentials.
        let major = unsafe {
            gss_acquire_cred_with_password(
                &mut minor,
                name.0,
                &password,
                GSS_C_INDEFINITE,
                &mechs,
                GSS_C_INITIATE,
                &mut handle,
                ptr::null_mut(),
                ptr::null_mut(),
            )
        };
        if major & GSS_ERROR_MASK != 0 {
            return Err(status(
                &format!("Kerberos credentials of `{principal}` from its password"),
                major,
                minor,
            ));
        }
        Ok(Credential {
            handle,
            principal: Some(principal.to_string()),
        })
    }

    /// The credentials in the user's credential cache (`KRB5CCNAME`, or the default
    /// cache): those of `principal` when given, else the cache's default principal.
    pub fn from_cache(principal: Option<&str>) -> Result<Credential, String> {
        let name = principal
            .map(|p| Name::import(p, NT_KRB5_PRINCIPAL))
            .transpose()?;
        let mut minor = 0;
        let mut handle: gss_cred_id_t = ptr::null_mut();
        let mut krb5 = oid(MECH_KRB5);
        let mechs = gss_OID_set_desc {
            count: 1,
            elements: &mut krb5,
        };
        // SAFETY: as in `with_password`.
        let major = unsafe {
            gss_acquire_cred(
                &mut minor,
                name.as_ref().map_or(ptr::null_mut(), |n| n.0),
                GSS_C_INDEFINITE,
                &mechs,
                GSS_C_INITIATE,
                &mut handle,
                ptr::null_mut(),
                ptr::null_mut(),
            )
        };
        if major & GSS_ERROR_MASK != 0 {
            return Err(status(
                "Kerberos credentials from the credential cache (KRB5CCNAME; run kinit)",
                major,
                minor,
            ));
        }
        Ok(Credential {
            handle,
            principal: principal.map(str::to_string),
        })
    }
}

impl Drop for Credential {
    fn drop(&mut self) {
        let mut minor = 0;
        // SAFETY: the handle was acquired and is released once.
        unsafe { gss_release_cred(&mut minor, &mut self.handle) };
    }
}

/// What a step of the context gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    /// The token for the server (`Authorization: Negotiate <base64>`), if any.
    pub token: Option<Vec<u8>>,
    /// The context is established: the server proved who it is (mutual authentication).
    pub complete: bool,
}

/// A SPNEGO context with the service `HTTP@<host>`, deleted when dropped.
pub struct Context {
    handle: gss_ctx_id_t,
    target: Name,
    service: String,
    bindings: Option<Vec<u8>>,
    complete: bool,
}

// SAFETY: a context is used by one thread at a time (`&mut self`).
unsafe impl Send for Context {}

impl std::fmt::Debug for Context {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Context")
            .field("service", &self.service)
            .field("channel_bound", &self.bindings.is_some())
            .field("complete", &self.complete)
            .finish_non_exhaustive()
    }
}

impl Context {
    /// A context for the HTTP service of `host`, carrying `bindings` (over https).
    pub fn new(host: &str, bindings: Option<&ChannelBindings>) -> Result<Context, String> {
        let service = format!("HTTP@{host}");
        Ok(Context {
            handle: ptr::null_mut(),
            target: Name::import(&service, NT_HOSTBASED_SERVICE)?,
            service,
            bindings: bindings.map(|b| b.application_data().to_vec()),
            complete: false,
        })
    }

    /// One step: the first (no `input`) makes the token for the server; later ones read
    /// the server's token (its final one proves its identity).
    pub fn step(&mut self, credential: &Credential, input: Option<&[u8]>) -> Result<Step, String> {
        let mut minor = 0;
        let spnego = oid(MECH_SPNEGO);
        let input = input.map(buffer);
        let bindings = self
            .bindings
            .as_ref()
            .map(|data| gss_channel_bindings_struct {
                initiator_addrtype: 0,
                initiator_address: empty(),
                acceptor_addrtype: 0,
                acceptor_address: empty(),
                application_data: buffer(data),
            });
        let mut out = empty();
        let mut flags: OM_uint32 = 0;
        // SAFETY: every pointer is valid for the call; `out` receives a buffer GSS
        // allocates, released below.
        let major = unsafe {
            gss_init_sec_context(
                &mut minor,
                credential.handle,
                &mut self.handle,
                self.target.0,
                &spnego,
                GSS_C_MUTUAL_FLAG,
                0,
                bindings.as_ref().map_or(ptr::null(), |b| b as *const _),
                input.as_ref().map_or(ptr::null(), |b| b as *const _),
                ptr::null_mut(),
                &mut out,
                &mut flags,
                ptr::null_mut(),
            )
        };
        let token = (!out.value.is_null() && out.length > 0).then(|| {
            // SAFETY: GSS returned `length` bytes at `value`.
            unsafe { std::slice::from_raw_parts(out.value as *const u8, out.length) }.to_vec()
        });
        if !out.value.is_null() {
            let mut m = 0;
            // SAFETY: the buffer is GSS's.
            unsafe { gss_release_buffer(&mut m, &mut out) };
        }
        if major & GSS_ERROR_MASK != 0 {
            return Err(status(
                &format!("Kerberos context with {}", self.service),
                major,
                minor,
            ));
        }
        self.complete = major & GSS_S_CONTINUE_NEEDED == 0;
        if self.complete && flags & GSS_C_MUTUAL_FLAG == 0 {
            return Err(format!(
                "Kerberos context with {}: the server did not prove its identity (mutual authentication)",
                self.service
            ));
        }
        Ok(Step {
            token,
            complete: self.complete,
        })
    }

    /// Whether the server proved its identity (the context is established).
    pub fn complete(&self) -> bool {
        self.complete
    }
}

impl Drop for Context {
    fn drop(&mut self) {
        if !self.handle.is_null() {
            let mut minor = 0;
            // SAFETY: the context was made by init_sec_context and is deleted once.
            unsafe { gss_delete_sec_context(&mut minor, &mut self.handle, ptr::null_mut()) };
        }
    }
}
