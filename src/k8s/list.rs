//! Reading a whole collection in pages, trimming each page as it arrives.

use std::fmt::Debug;

use kube::Resource;
use kube::api::{Api, ListParams};
use serde::Deserialize;
use serde::de::DeserializeOwned;

use super::Connection;
use super::failure::{ListScope, ListTarget, ReadFailure, classify};

/// Objects per list request, like kubectl's `--chunk-size` default.
pub const PAGE_SIZE: u32 = 500;

/// Lists every object `api` can see, following continue tokens, and keeps only
/// `trim(object)`: at most one page of full objects is in memory at a time.
pub async fn list_all<K, T>(
    api: &Api<K>,
    label_selector: Option<&str>,
    mut trim: impl FnMut(K) -> T,
) -> Result<Vec<T>, kube::Error>
where
    K: Clone + DeserializeOwned + Debug,
{
    let mut params = ListParams::default().limit(PAGE_SIZE);
    params.label_selector = label_selector.map(str::to_string);
    let mut trimmed = Vec::new();
    loop {
        let page = api.list(&params).await?;
        let next = page.metadata.continue_.filter(|token| !token.is_empty());
        trimmed.extend(page.items.into_iter().map(&mut trim));
        match next {
            Some(token) => params.continue_token = Some(token),
            None => return Ok(trimmed),
        }
    }
}

/// [`list_all`] with the failure turned into an actionable [`ReadFailure`]. `scope` says
/// how `api` was made (`Api::all` on a cluster-scoped or a namespaced resource, or
/// `Api::namespaced`), which names the permission a 403 is missing.
pub async fn read_list<K, T>(
    connection: &Connection,
    api: &Api<K>,
    scope: ListScope<'_>,
    label_selector: Option<&str>,
    trim: impl FnMut(K) -> T,
) -> Result<Vec<T>, ReadFailure>
where
    K: Resource<DynamicType = ()> + Clone + DeserializeOwned + Debug,
{
    list_all(api, label_selector, trim).await.map_err(|error| {
        let target = ListTarget {
            resource: resource_name::<K>(),
            scope,
        };
        classify(&error, &target, &connection.server)
    })
}

/// [`read_list`] for resources with many large objects (pods): each page is deserialized
/// straight into `T`, which names only the fields wanted, instead of into the full `K`.
/// Same requests, pages and failures; `K` gives the path and the name in messages.
pub async fn read_list_as<K, T, U>(
    connection: &Connection,
    namespace: Option<&str>,
    scope: ListScope<'_>,
    label_selector: Option<&str>,
    mut trim: impl FnMut(T) -> U,
) -> Result<Vec<U>, ReadFailure>
where
    K: Resource<DynamicType = ()>,
    T: DeserializeOwned,
{
    let request = kube::core::Request::new(K::url_path(&(), namespace));
    let mut params = ListParams::default().limit(PAGE_SIZE);
    params.label_selector = label_selector.map(str::to_string);
    let mut trimmed = Vec::new();
    let failure = loop {
        let page = match request.list(&params) {
            Ok(http_request) => connection.client.request::<Page<T>>(http_request).await,
            Err(error) => Err(kube::Error::BuildRequest(error)),
        };
        let page = match page {
            Ok(page) => page,
            Err(error) => break error,
        };
        trimmed.extend(page.items.unwrap_or_default().into_iter().map(&mut trim));
        match page.metadata.continue_.filter(|token| !token.is_empty()) {
            Some(token) => params.continue_token = Some(token),
            None => return Ok(trimmed),
        }
    };
    let target = ListTarget {
        resource: resource_name::<K>(),
        scope,
    };
    Err(classify(&failure, &target, &connection.server))
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
fn resource_name<K: Resource<DynamicType = ()>>() -> String {
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
