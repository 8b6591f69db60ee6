//! The pod template a rule reads, with the paths of its parts inside the object, and every
//! container (regular, init and ephemeral: they count alike, docs/gke-sandbox.md).

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{
    Container, NodeSelector, NodeSelectorRequirement, PodSpec, ResourceRequirements,
    SecurityContext, VolumeDevice, VolumeMount,
};

use super::{FieldPath, Workload, WorkloadKind};

pub struct Subject<'a> {
    pub kind: WorkloadKind,
    /// The namespace the workload runs in, when the manifest or `-n` says.
    pub namespace: Option<&'a str>,
    pub labels: &'a BTreeMap<String, String>,
    pub annotations: &'a BTreeMap<String, String>,
    pub spec: &'a PodSpec,
    /// `spec` for a Pod, `spec.template.spec` for a Deployment...
    pub spec_path: FieldPath,
    /// `metadata` for a Pod, `spec.template.metadata` for a Deployment...
    pub metadata_path: FieldPath,
}

/// One container of any of the three lists.
pub struct ContainerRef<'a> {
    pub name: &'a str,
    pub image: Option<&'a str>,
    pub security_context: Option<&'a SecurityContext>,
    pub resources: Option<&'a ResourceRequirements>,
    pub volume_mounts: &'a [VolumeMount],
    pub volume_devices: &'a [VolumeDevice],
    /// `spec.template.spec.initContainers[0]`...
    pub path: FieldPath,
    pub list: ContainerList,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContainerList {
    Containers,
    InitContainers,
    EphemeralContainers,
}

impl<'a> Subject<'a> {
    /// `namespace` stands in when the workload names none.
    pub fn new(workload: &'a Workload, namespace: Option<&'a str>) -> Self {
        static EMPTY: BTreeMap<String, String> = BTreeMap::new();
        let template_path = workload.template_path();
        let metadata = &workload.template_metadata;
        Subject {
            kind: workload.kind,
            namespace: workload.namespace.as_deref().or(namespace),
            labels: metadata.labels.as_ref().unwrap_or(&EMPTY),
            annotations: metadata.annotations.as_ref().unwrap_or(&EMPTY),
            spec: &workload.spec,
            spec_path: template_path.key("spec"),
            metadata_path: template_path.key("metadata"),
        }
    }

    pub fn field(&self, key: &str) -> FieldPath {
        self.spec_path.key(key)
    }

    /// Containers, then init containers, then ephemeral containers, in manifest order.
    pub fn containers(&self) -> Vec<ContainerRef<'a>> {
        let spec = self.spec;
        let listed = |list: &'a [Container], key: &str, kind: ContainerList| {
            let path = self.field(key);
            list.iter().enumerate().map(move |(i, c)| ContainerRef {
                name: &c.name,
                image: c.image.as_deref(),
                security_context: c.security_context.as_ref(),
                resources: c.resources.as_ref(),
                volume_mounts: c.volume_mounts.as_deref().unwrap_or_default(),
                volume_devices: c.volume_devices.as_deref().unwrap_or_default(),
                path: path.index(i),
                list: kind,
            })
        };
        let regular = listed(&spec.containers, "containers", ContainerList::Containers);
        let init = listed(
            spec.init_containers.as_deref().unwrap_or_default(),
            "initContainers",
            ContainerList::InitContainers,
        );
        // EphemeralContainer is its own type in the API, with the same fields.
        let ephemeral = spec
            .ephemeral_containers
            .iter()
            .flatten()
            .enumerate()
            .map(|(i, c)| ContainerRef {
                name: &c.name,
                image: c.image.as_deref(),
                security_context: c.security_context.as_ref(),
                resources: c.resources.as_ref(),
                volume_mounts: c.volume_mounts.as_deref().unwrap_or_default(),
                volume_devices: c.volume_devices.as_deref().unwrap_or_default(),
                path: self.field("ephemeralContainers").index(i),
                list: ContainerList::EphemeralContainers,
            });
        regular.chain(init).chain(ephemeral).collect()
    }

    /// The container's securityContext path, for findings about one of its fields.
    pub fn security_field(container: &ContainerRef<'_>, key: &str) -> FieldPath {
        container.path.key("securityContext").key(key)
    }

    /// `affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution`, when set.
    fn required_node_affinity(&self) -> Option<&'a NodeSelector> {
        self.spec
            .affinity
            .as_ref()
            .and_then(|a| a.node_affinity.as_ref())
            .and_then(|n| {
                n.required_during_scheduling_ignored_during_execution
                    .as_ref()
            })
    }

    /// Every `matchExpressions` entry of the required node affinity, with its path. Terms
    /// are ORed by Kubernetes; rules that need "all terms" semantics group by term index.
    pub fn required_node_expressions(
        &self,
    ) -> Vec<(usize, FieldPath, &'a NodeSelectorRequirement)> {
        let Some(required) = self.required_node_affinity() else {
            return Vec::new();
        };
        let terms_path = self
            .field("affinity")
            .key("nodeAffinity")
            .key("requiredDuringSchedulingIgnoredDuringExecution")
            .key("nodeSelectorTerms");
        required
            .node_selector_terms
            .iter()
            .enumerate()
            .flat_map(|(t, term)| {
                let term_path = terms_path.index(t).key("matchExpressions");
                term.match_expressions
                    .iter()
                    .flatten()
                    .enumerate()
                    .map(move |(e, expr)| (t, term_path.index(e), expr))
            })
            .collect()
    }

    /// Required node-affinity terms are ORed: the pod is kept off some nodes only when every
    /// term rules them out. The first expression of each term that `rules_out` accepts, when
    /// every term has one; empty when a term leaves the nodes open (or there is no term).
    pub fn every_required_term(
        &self,
        rules_out: impl Fn(&NodeSelectorRequirement) -> bool,
    ) -> Vec<(FieldPath, &'a NodeSelectorRequirement)> {
        let terms = self
            .required_node_affinity()
            .map_or(0, |required| required.node_selector_terms.len());
        let expressions = self.required_node_expressions();
        let found: Vec<(FieldPath, &NodeSelectorRequirement)> = (0..terms)
            .filter_map(|term| {
                expressions
                    .iter()
                    .find(|(t, _, expr)| *t == term && rules_out(expr))
                    .map(|(_, path, expr)| (path.clone(), *expr))
            })
            .collect();
        if terms == 0 || found.len() < terms {
            return Vec::new();
        }
        found
    }

    /// The pod's `nodeSelector` entries.
    pub fn node_selector(&self) -> impl Iterator<Item = (&'a String, &'a String)> {
        self.spec.node_selector.iter().flatten()
    }

    /// The pod securityContext path, for findings about one of its fields.
    pub fn pod_security_field(&self, key: &str) -> FieldPath {
        self.field("securityContext").key(key)
    }
}
