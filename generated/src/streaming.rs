//! Streaming notifications: operations answering with a stream of SOAP envelopes in one
//! HTTP response, each holding notifications and a `ConnectionStatus` (`OK`, or `Closed`
//! when the server ends the connection): `GetStreamingEvents`. The generator implements
//! [`Streaming`] for their requests; the client (`client::Client::streaming_events`) reads
//! the envelopes as they arrive.

use crate::OperationMessages;

/// An operation whose answer is a stream of envelopes (generated).
pub trait Streaming: OperationMessages {
    /// A notification (for `GetStreamingEvents`, `t:NotificationType`: a subscription id and
    /// its events).
    type Notification;
    /// Whether the message's `ConnectionStatus` is `Closed`.
    fn connection_closed(message: &Self::Message) -> bool;
    /// The notifications of a message, in document order.
    fn into_notifications(message: Self::Message) -> Vec<Self::Notification>;
    /// The subscription ids of `ErrorSubscriptionIds` (the subscriptions an error is about).
    fn error_subscription_ids(message: &Self::Message) -> Vec<String>;
}
