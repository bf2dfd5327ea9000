//! The server side of Negotiate with Kerberos, through MIT's GSS-API with the service's
//! keytab (not with the client's code): each `Authorization: Negotiate` token is accepted
//! in a new context given the connection's channel bindings, and a server requiring them
//! (Extended Protection) refuses a context that is not channel-bound.

use std::ffi::{c_int, c_void, CString};
use std::ptr;

#[allow(non_camel_case_types)]
type OM_uint32 = u32;

#[repr(C)]
struct Buffer {
    length: usize,
    value: *mut c_void,
}

#[repr(C)]
struct Bindings {
    initiator_addrtype: OM_uint32,
    initiator_address: Buffer,
    acceptor_addrtype: OM_uint32,
    acceptor_address: Buffer,
    application_data: Buffer,
}

const GSS_C_CHANNEL_BOUND_FLAG: OM_uint32 = 0x800;
const GSS_C_MUTUAL_FLAG: OM_uint32 = 2;
const GSS_S_CONTINUE_NEEDED: OM_uint32 = 1;
const GSS_S_BAD_BINDINGS: OM_uint32 = 4 << 16;
const ERROR_MASK: OM_uint32 = 0xffff_0000;
const GSS_C_GSS_CODE: c_int = 1;
const GSS_C_MECH_CODE: c_int = 2;

#[link(name = "gssapi_krb5")]
extern "C" {
    fn krb5_gss_register_acceptor_identity(keytab: *const std::ffi::c_char) -> OM_uint32;
    fn gss_accept_sec_context(
        minor: *mut OM_uint32,
        context: *mut *mut c_void,
        acceptor_cred: *mut c_void,
        input_token: *const Buffer,
        bindings: *const Bindings,
        src_name: *mut *mut c_void,
        mech_type: *mut *mut c_void,
        output_token: *mut Buffer,
        ret_flags: *mut OM_uint32,
        time_rec: *mut OM_uint32,
        delegated_cred: *mut *mut c_void,
    ) -> OM_uint32;
    fn gss_display_name(
        minor: *mut OM_uint32,
        name: *mut c_void,
        output: *mut Buffer,
        name_type: *mut *mut c_void,
    ) -> OM_uint32;
    fn gss_release_name(minor: *mut OM_uint32, name: *mut *mut c_void) -> OM_uint32;
    fn gss_release_buffer(minor: *mut OM_uint32, buffer: *mut Buffer) -> OM_uint32;
    fn gss_delete_sec_context(
        minor: *mut OM_uint32,
        context: *mut *mut c_void,
        output: *mut Buffer,
    ) -> OM_uint32;
    fn gss_display_status(
        minor: *mut OM_uint32,
        status: OM_uint32,
        status_type: c_int,
        mech: *const c_void,
        message_context: *mut OM_uint32,
        out: *mut Buffer,
    ) -> OM_uint32;
}

/// Makes `keytab` the acceptor's keytab for the whole process.
pub fn use_keytab(keytab: &std::path::Path) {
    let path = CString::new(keytab.to_string_lossy().as_bytes()).expect("keytab path");
    // SAFETY: MIT copies the string.
    let r = unsafe { krb5_gss_register_acceptor_identity(path.as_ptr()) };
    assert_eq!(r, 0, "the keytab {} was not registered", keytab.display());
}

fn take(buffer: &mut Buffer) -> Vec<u8> {
    if buffer.value.is_null() {
        return Vec::new();
    }
    // SAFETY: GSS gave `length` bytes at `value`; released once here.
    let v =
        unsafe { std::slice::from_raw_parts(buffer.value as *const u8, buffer.length) }.to_vec();
    let mut minor = 0;
    unsafe { gss_release_buffer(&mut minor, buffer) };
    v
}

fn status(major: OM_uint32, minor: OM_uint32) -> String {
    let mut parts = Vec::new();
    for (value, kind) in [(major, GSS_C_GSS_CODE), (minor, GSS_C_MECH_CODE)] {
        if value == 0 {
            continue;
        }
        let mut ctx = 0;
        let mut out = Buffer {
            length: 0,
            value: ptr::null_mut(),
        };
        let mut m = 0;
        // SAFETY: `out` receives a GSS buffer, taken below.
        unsafe { gss_display_status(&mut m, value, kind, ptr::null(), &mut ctx, &mut out) };
        parts.push(String::from_utf8_lossy(&take(&mut out)).into_owned());
    }
    parts.join("; ")
}

/// What accepting a token gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Accepted {
    /// The context is established: the client's principal, whether the context is bound to
    /// the channel bindings given, and the token proving the server (mutual
    /// authentication).
    Done {
        /// The client's principal (`alice@CONTOSO.TEST`).
        user: String,
        /// The client's bindings matched the ones given.
        channel_bound: bool,
        /// The server's last token, if any.
        token: Option<Vec<u8>>,
    },
    /// Refused: the reason.
    Refused(String),
}

/// Accepts the initiator's first (and, for Kerberos, only) token `token`, given the
/// connection's `bindings` (their application data).
pub fn accept(token: &[u8], bindings: Option<&[u8]>) -> Accepted {
    let mut minor = 0;
    let mut context: *mut c_void = ptr::null_mut();
    let input = Buffer {
        length: token.len(),
        value: token.as_ptr() as *mut c_void,
    };
    let cb = bindings.map(|data| Bindings {
        initiator_addrtype: 0,
        initiator_address: Buffer {
            length: 0,
            value: ptr::null_mut(),
        },
        acceptor_addrtype: 0,
        acceptor_address: Buffer {
            length: 0,
            value: ptr::null_mut(),
        },
        application_data: Buffer {
            length: data.len(),
            value: data.as_ptr() as *mut c_void,
        },
    });
    let mut name: *mut c_void = ptr::null_mut();
    let mut out = Buffer {
        length: 0,
        value: ptr::null_mut(),
    };
    let mut flags = 0;
    // SAFETY: every pointer is valid for the call; outputs are released below.
    let major = unsafe {
        gss_accept_sec_context(
            &mut minor,
            &mut context,
            ptr::null_mut(),
            &input,
            cb.as_ref().map_or(ptr::null(), |b| b as *const _),
            &mut name,
            ptr::null_mut(),
            &mut out,
            &mut flags,
            ptr::null_mut(),
            ptr::null_mut(),
        )
    };
    let token = take(&mut out);
    let user = if name.is_null() {
        String::new()
    } else {
        let mut shown = Buffer {
            length: 0,
            value: ptr::null_mut(),
        };
        let mut m = 0;
        // SAFETY: `name` came from accept; released once.
        unsafe { gss_display_name(&mut m, name, &mut shown, ptr::null_mut()) };
        unsafe { gss_release_name(&mut m, &mut name) };
        String::from_utf8_lossy(&take(&mut shown)).into_owned()
    };
    if !context.is_null() {
        let mut m = 0;
        // SAFETY: deleted once.
        unsafe { gss_delete_sec_context(&mut m, &mut context, ptr::null_mut()) };
    }
    if major & ERROR_MASK != 0 {
        let bad = if major & ERROR_MASK == GSS_S_BAD_BINDINGS {
            "wrong channel bindings: "
        } else {
            ""
        };
        return Accepted::Refused(format!("{bad}{}", status(major, minor)));
    }
    if major & GSS_S_CONTINUE_NEEDED != 0 {
        return Accepted::Refused("the context needs more than one token".into());
    }
    if flags & GSS_C_MUTUAL_FLAG == 0 {
        return Accepted::Refused("the client did not ask for mutual authentication".into());
    }
    Accepted::Done {
        user,
        channel_bound: flags & GSS_C_CHANNEL_BOUND_FLAG != 0,
        token: (!token.is_empty()).then_some(token),
    }
}
