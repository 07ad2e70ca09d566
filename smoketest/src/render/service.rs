//! The app's description of itself, for the formats that carry one (health+json).

/// Who the report is about: the service's identifier, versions and description, as
/// health+json's `serviceId`, `version`, `releaseId` and `description` show them. Every field
/// is optional; one that is unset or empty is left out of the rendering, so a value read from
/// an unset environment variable sends no empty field.
///
/// ```
/// use smoketest::render::Service;
///
/// let service = Service::new()
///     .service_id("bookshop")
///     .version("2")
///     .release_id(env!("CARGO_PKG_VERSION"))
///     .description("the bookshop's catalogue and orders");
/// assert_eq!(service.service_id.as_deref(), Some("bookshop"));
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct Service {
    /// A unique identifier of the service, in the application's scope (`serviceId`).
    pub service_id: Option<String>,
    /// The public version of the service: of its API, which changes only when the API does
    /// (`version`).
    pub version: Option<String>,
    /// The version of this build, which changes with every release (`releaseId`): a semantic
    /// version or a commit hash.
    pub release_id: Option<String>,
    /// A human-friendly description of the service (`description`).
    pub description: Option<String>,
}

impl Service {
    /// A service described by nothing yet.
    pub fn new() -> Self {
        Service::default()
    }

    /// Sets the unique identifier of the service (`serviceId`).
    pub fn service_id(mut self, service_id: impl Into<String>) -> Self {
        self.service_id = Some(service_id.into());
        self
    }

    /// Sets the public version of the service (`version`).
    pub fn version(mut self, version: impl Into<String>) -> Self {
        self.version = Some(version.into());
        self
    }

    /// Sets the version of this build (`releaseId`).
    pub fn release_id(mut self, release_id: impl Into<String>) -> Self {
        self.release_id = Some(release_id.into());
        self
    }

    /// Sets the human-friendly description (`description`).
    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.description = Some(description.into());
        self
    }
}
