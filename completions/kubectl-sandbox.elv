
use builtin;
use str;

set edit:completion:arg-completer[kubectl-sandbox] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'kubectl-sandbox'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'kubectl-sandbox'= {
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand check 'Audit the cluster: node pools (GKE), RuntimeClass, sandbox nodes and workloads'
            cand snapshot 'Capture the cluster''s snapshot (evidence for auditors; `check --from FILE` later)'
            cand explain-pod 'Explain, field by field, what stops a workload from running under GKE Sandbox'
            cand migrate 'Move workloads to GKE Sandbox: plan, apply with backup and dry run, roll back'
            cand policy 'Print or apply an admission policy that requires gVisor in untrusted namespaces'
            cand version 'Print the version'
            cand completion 'Print the shell completion script for kubectl-sandbox (bash, zsh, fish, powershell, elvish)'
        }
        &'kubectl-sandbox;check'= {
            cand --kubeconfig 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)'
            cand --context 'The kubeconfig context to use (default: the current context)'
            cand --request-timeout 'How long to wait for one API request, like kubectl''s: 30s, 1m, 500ms; 0 waits forever'
            cand --project 'GCP project of the cluster (default: from the context''s gke_PROJECT_LOCATION_CLUSTER)'
            cand --location 'Region or zone of the cluster (default: from the context''s cluster entry)'
            cand --cluster 'GKE cluster name (default: from the context''s cluster entry)'
            cand --gke-json 'Read a saved `gcloud container clusters describe --format json` instead of running gcloud'
            cand --gcloud-timeout 'How long gcloud may take before it is stopped'
            cand -n 'Read pods of this namespace only (default: all namespaces)'
            cand --namespace 'Read pods of this namespace only (default: all namespaces)'
            cand -l 'Read only pods matching this label selector'
            cand --selector 'Read only pods matching this label selector'
            cand --from 'Audit a snapshot saved by `kubectl sandbox snapshot` instead of a live cluster'
            cand --untrusted 'A namespace whose pods must all run under gVisor (repeatable)'
            cand --untrusted-selector 'Namespaces whose labels match this selector must run every pod under gVisor'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --fail-on 'Exit 1 when a finding is at or above this status'
            cand -A 'Read pods of every namespace (the default; accepted for kubectl habits)'
            cand --all-namespaces 'Read pods of every namespace (the default; accepted for kubectl habits)'
            cand --no-headers 'Table without headers, section titles or summary: one row per finding'
            cand --allow-skip 'Accept an incomplete audit (a part forbidden or gcloud unavailable): exit from the findings alone instead of 4'
            cand --no-gke 'Do not ask GKE (gcloud) at all: the node-pool checks are SKIP, on purpose (the audit still counts as complete).'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'kubectl-sandbox;snapshot'= {
            cand --kubeconfig 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)'
            cand --context 'The kubeconfig context to use (default: the current context)'
            cand --request-timeout 'How long to wait for one API request, like kubectl''s: 30s, 1m, 500ms; 0 waits forever'
            cand --project 'GCP project of the cluster (default: from the context''s gke_PROJECT_LOCATION_CLUSTER)'
            cand --location 'Region or zone of the cluster (default: from the context''s cluster entry)'
            cand --cluster 'GKE cluster name (default: from the context''s cluster entry)'
            cand --gke-json 'Read a saved `gcloud container clusters describe --format json` instead of running gcloud'
            cand --gcloud-timeout 'How long gcloud may take before it is stopped'
            cand -n 'Read pods of this namespace only (default: all namespaces)'
            cand --namespace 'Read pods of this namespace only (default: all namespaces)'
            cand -l 'Read only pods matching this label selector'
            cand --selector 'Read only pods matching this label selector'
            cand -o 'Output format'
            cand --output 'Output format'
            cand -A 'Read pods of every namespace (the default; accepted for kubectl habits)'
            cand --all-namespaces 'Read pods of every namespace (the default; accepted for kubectl habits)'
            cand --allow-skip 'Accept an incomplete snapshot (a part forbidden or gcloud unavailable): exit 0 instead of 4. The gaps are recorded in the file either way'
            cand --no-gke 'Do not ask GKE (gcloud) at all: the snapshot''s GKE part is left out, on purpose.'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'kubectl-sandbox;explain-pod'= {
            cand -f 'Manifest file, directory or `-` for stdin: YAML (multi-document) or JSON, List kinds too. Repeatable. No cluster is needed'
            cand --filename 'Manifest file, directory or `-` for stdin: YAML (multi-document) or JSON, List kinds too. Repeatable. No cluster is needed'
            cand -n 'The namespace of the targets, and of manifests that name none'
            cand --namespace 'The namespace of the targets, and of manifests that name none'
            cand -l 'Only objects whose labels match, e.g. app=web,tier!=db'
            cand --selector 'Only objects whose labels match, e.g. app=web,tier!=db'
            cand -o 'Output format. json and yaml carry the schema kubectl-sandbox.dev/explain/v1'
            cand --output 'Output format. json and yaml carry the schema kubectl-sandbox.dev/explain/v1'
            cand --fail-on 'The verdict that makes the exit code 1'
            cand --kubeconfig 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)'
            cand --context 'The kubeconfig context to use (default: the current context)'
            cand --request-timeout 'How long to wait for one API request, like kubectl''s: 30s, 1m, 500ms; 0 waits forever'
            cand --project 'GCP project of the cluster (default: from the context''s gke_PROJECT_LOCATION_CLUSTER)'
            cand --location 'Region or zone of the cluster (default: from the context''s cluster entry)'
            cand --cluster 'GKE cluster name (default: from the context''s cluster entry)'
            cand --gke-json 'Read a saved `gcloud container clusters describe --format json` instead of running gcloud'
            cand --gcloud-timeout 'How long gcloud may take before it is stopped'
            cand -R 'Descend into directories given with -f'
            cand --recursive 'Descend into directories given with -f'
            cand -A 'Explain the workloads of every namespace, one line each'
            cand --all-namespaces 'Explain the workloads of every namespace, one line each'
            cand --no-headers 'Table without headers, blocks or summary: one row per object, as on check'
            cand --server-dry-run 'Ask the cluster: create each workload''s sandboxed pod as a dry run (dryRun=All) and report what its admission says. One request per workload; needs `create pods`'
            cand --allow-skip 'Accept an incomplete live run (a list forbidden, gcloud unavailable): exit from the verdicts alone instead of 4'
            cand --no-gke 'Do not ask GKE (gcloud) at all: what needs the GKE version or node pools is reported as not known.'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'kubectl-sandbox;migrate'= {
            cand -f 'Manifest file, directory or `-` for stdin: YAML (multi-document) or JSON, List kinds too. Repeatable. No cluster is needed'
            cand --filename 'Manifest file, directory or `-` for stdin: YAML (multi-document) or JSON, List kinds too. Repeatable. No cluster is needed'
            cand -n 'The namespace of the workloads (default: the kubeconfig''s)'
            cand --namespace 'The namespace of the workloads (default: the kubeconfig''s)'
            cand -l 'Only workloads whose labels match, e.g. app=web,tier!=db'
            cand --selector 'Only workloads whose labels match, e.g. app=web,tier!=db'
            cand -o 'table (the plan), json (schema kubectl-sandbox.dev/migrate/v1) or yaml (the changed manifests)'
            cand --output 'table (the plan), json (schema kubectl-sandbox.dev/migrate/v1) or yaml (the changed manifests)'
            cand --backup-dir 'Where --apply saves the originals (default: a new kubectl-sandbox-backup-TIMESTAMP)'
            cand --timeout 'How long --wait follows the rollouts'
            cand --rollback 'Restore the objects saved in a backup directory written by --apply'
            cand --pool-name 'Name of the sandbox node pool to create'
            cand --machine-type 'Machine type of the new pool (default: the machine type of an ordinary pool)'
            cand --kubeconfig 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)'
            cand --context 'The kubeconfig context to use (default: the current context)'
            cand --request-timeout 'How long to wait for one API request, like kubectl''s: 30s, 1m, 500ms; 0 waits forever'
            cand --project 'GCP project of the cluster (default: from the context''s gke_PROJECT_LOCATION_CLUSTER)'
            cand --location 'Region or zone of the cluster (default: from the context''s cluster entry)'
            cand --cluster 'GKE cluster name (default: from the context''s cluster entry)'
            cand --gke-json 'Read a saved `gcloud container clusters describe --format json` instead of running gcloud'
            cand --gcloud-timeout 'How long gcloud may take before it is stopped'
            cand -R 'Descend into directories given with -f'
            cand --recursive 'Descend into directories given with -f'
            cand --all 'Every workload of the namespace'
            cand --apply 'Make the changes: dry run of all, backup, guarded writes, restore on failure'
            cand --wait 'After --apply, follow the rollouts until the new pods run on sandbox nodes'
            cand --server-dry-run 'Ask the cluster whether each workload''s sandboxed pod would be admitted: a pod created as a dry run, one request per workload; needs `create pods`. --apply always does it, before the first write, and skips a workload whose pod would be refused'
            cand --force 'Migrate workloads explain-pod finds blocked, or whose sandboxed pod the cluster refuses; rollback: restore objects changed since'
            cand --create-node-pool 'When the cluster has no sandbox capacity, create the node pool with gcloud (after a confirmation). Never on Autopilot'
            cand --yes 'Do not ask before creating the node pool'
            cand --no-gke 'Do not ask GKE (gcloud) at all: the plan cannot check for a sandbox node pool or give the command to create one.'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'kubectl-sandbox;policy'= {
            cand --kubeconfig 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)'
            cand --context 'The kubeconfig context to use (default: the current context)'
            cand --request-timeout 'How long to wait for one API request, like kubectl''s: 30s, 1m, 500ms; 0 waits forever'
            cand --untrusted-selector 'Namespaces whose labels match this selector get the policy'
            cand --action 'What the binding does with a pod that is not sandboxed'
            cand -o 'Output format of the printed objects'
            cand --output 'Output format of the printed objects'
            cand --strict 'Also refuse what explain-pod reports as blocking under GKE Sandbox (hardened pods are admitted)'
            cand --apply 'Install or update both objects (server-side apply, field manager kubectl-sandbox, after a server dry run of both)'
            cand --force-conflicts 'With --apply: take over the fields another field manager set (e.g. `kubectl apply`), like `kubectl apply --server-side --force-conflicts`, instead of stopping at the conflict; both objects end exactly as printed'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'kubectl-sandbox;version'= {
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'kubectl-sandbox;completion'= {
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
    ]
    $completions[$command]
}
