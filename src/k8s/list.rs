//! Reading a whole collection in pages, trimming each page as it arrives: the one paging
//! loop every list goes through.

use kube::Client;
use kube::Resource;
use kube::api::ListParams;
use serde::Deserialize;
use serde::de::DeserializeOwned;

use super::Connection;
use super::error::{ApiError, ApiRequest, ListScope, Verb, classify};

/// Objects per list request, like kubectl's `--chunk-size` default.
pub(crate) const PAGE_SIZE: u32 = 500;

/// Every object of the collection at `path` (from `Resource::url_path`) matching
/// `label_selector`, following continue tokens. Each page is deserialized straight into
/// `T` (which may name only the fields wanted) and kept as `trim(item)`: at most one page
/// of full objects is in memory at a time.
pub(super) async fn list_pages<T, U>(
    client: &Client,
    path: String,
    label_selector: Option<&str>,
    mut trim: impl FnMut(T) -> U,
) -> Result<Vec<U>, kube::Error>
where
    T: DeserializeOwned,
{
    let request = kube::core::Request::new(path);
    let mut params = ListParams::default().limit(PAGE_SIZE);
    params.label_selector = label_selector.map(str::to_string);
    let mut trimmed = Vec::new();
    loop {
        let http_request = request.list(&params).map_err(kube::Error::BuildRequest)?;
        let page: Page<T> = client.request(http_request).await?;
        trimmed.extend(page.items.unwrap_or_default().into_iter().map(&mut trim));
        match page.metadata.continue_.filter(|token| !token.is_empty()) {
            Some(token) => params.continue_token = Some(token),
            None => return Ok(trimmed),
        }
    }
}

/// The names in the first page (at most `limit`) of the collection at `path`, metadata
/// only: the cheapest list the API server offers, for shell completion.
pub(super) async fn first_page_names(
    client: &Client,
    path: String,
    limit: u32,
) -> Result<Vec<String>, kube::Error> {
    let request = kube::core::Request::new(path)
        .list_metadata(&ListParams::default().limit(limit))
        .map_err(kube::Error::BuildRequest)?;
    let page: Page<Named> = client.request(request).await?;
    Ok(page
        .items
        .unwrap_or_default()
        .into_iter()
        .filter_map(|item| item.metadata.name)
        .collect())
}

#[derive(Deserialize)]
struct Named {
    #[serde(default)]
    metadata: NameOnly,
}

#[derive(Default, Deserialize)]
struct NameOnly {
    name: Option<String>,
}

/// Lists every `K` in `scope` as full objects, each kept as `trim(object)`, with a
/// failure classified.
pub(super) async fn read_list<K, U>(
    connection: &Connection,
    scope: ListScope<'_>,
    label_selector: Option<&str>,
    trim: impl FnMut(K) -> U,
) -> Result<Vec<U>, ApiError>
where
    K: Resource<DynamicType = ()> + DeserializeOwned,
{
    read_list_as::<K, K, U>(connection, scope, label_selector, trim).await
}

/// [`read_list`] for resources with many large objects (pods): each item is deserialized
/// into `T`, which names only the fields wanted, instead of into the full `K`. `K` gives
/// the path and the name in messages.
pub(super) async fn read_list_as<K, T, U>(
    connection: &Connection,
    scope: ListScope<'_>,
    label_selector: Option<&str>,
    trim: impl FnMut(T) -> U,
) -> Result<Vec<U>, ApiError>
where
    K: Resource<DynamicType = ()>,
    T: DeserializeOwned,
{
    let namespace = match scope {
        ListScope::Namespace(namespace) => Some(namespace),
        ListScope::Cluster | ListScope::AllNamespaces => None,
    };
    let path = K::url_path(&(), namespace);
    list_pages(&connection.client, path, label_selector, trim)
        .await
        .map_err(|error| {
            let request = ApiRequest {
                verb: Verb::List,
                resource: resource_name::<K>(),
                scope,
                name: None,
            };
            classify(&error, &request, &connection.server)
        })
}

/// One page of a list, each item deserialized into `T`.
#[derive(Deserialize)]
struct Page<T> {
    #[serde(default)]
    metadata: PageMetadata,
    #[serde(default = "Option::default")]
    items: Option<Vec<T>>,
}

#[derive(Default, Deserialize)]
struct PageMetadata {
    #[serde(default, rename = "continue")]
    continue_: Option<String>,
}

/// `pods`, or `runtimeclasses.node.k8s.io`: the form `kubectl auth can-i` takes.
pub(super) fn resource_name<K: Resource<DynamicType = ()>>() -> String {
    let plural = K::plural(&());
    let group = K::group(&());
    if group.is_empty() {
        plural.into_owned()
    } else {
        format!("{plural}.{group}")
    }
}

#[cfg(test)]
mod tests {
    use k8s_openapi::api::apps::v1::Deployment;
    use k8s_openapi::api::core::v1::Pod;
    use k8s_openapi::api::node::v1::RuntimeClass;

    use super::resource_name;

    #[test]
    fn resource_names_carry_the_group_outside_core() {
        assert_eq!(resource_name::<Pod>(), "pods");
        assert_eq!(
            resource_name::<RuntimeClass>(),
            "runtimeclasses.node.k8s.io"
        );
        assert_eq!(resource_name::<Deployment>(), "deployments.apps");
    }
}
