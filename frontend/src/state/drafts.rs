//! Work in progress kept in the browser's local storage until it is sent or discarded: the
//! session-planning wizard's draft and the notes typed during a session. Never the session
//! itself (that lives in the httpOnly cookie).

use serde::Serialize;
use serde::de::DeserializeOwned;

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// The draft under `key`, if one was kept and still reads.
pub fn load<T: DeserializeOwned>(key: &str) -> Option<T> {
    let text = storage()?.get_item(key).ok().flatten()?;
    crate::api::decode(&text).ok()
}

/// Keeps `value` under `key`.
pub fn save<T: Serialize>(key: &str, value: &T) {
    if let (Some(storage), Ok(text)) = (storage(), crate::api::encode_json(value)) {
        // A full or disabled storage only loses the draft, never the work being done.
        let _ = storage.set_item(key, &text);
    }
}

/// Forgets the draft under `key`.
pub fn discard(key: &str) {
    if let Some(storage) = storage() {
        let _ = storage.remove_item(key);
    }
}
