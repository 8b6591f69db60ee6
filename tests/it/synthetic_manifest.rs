//! The benchmark's many-document manifest (`synthetic-manifest`) is YAML that explain-pod
//! reads back as the very objects the generator made.

use kubectl_sandbox::parse_objects;
use testkit::synthetic::SyntheticCluster;
use testkit::yaml::to_yaml;

#[test]
fn synthetic_manifests_round_trip_through_the_manifest_reader() {
    let cluster = SyntheticCluster::new(40, 5);
    let text: String = (0..cluster.pods)
        .map(|index| format!("---\n{}", to_yaml(&cluster.manifest(index))))
        .collect();
    let objects = parse_objects("synthetic.yaml", &text).unwrap();
    assert_eq!(objects.len(), cluster.pods);
    for (index, object) in objects.iter().enumerate() {
        assert_eq!(object.value, cluster.manifest(index), "document {index}");
    }
    assert_eq!(objects[0].value["kind"], "Deployment");
    assert_eq!(objects[1].value["kind"], "Pod");
}
