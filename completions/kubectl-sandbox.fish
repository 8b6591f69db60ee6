# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_kubectl_sandbox_global_optspecs
    string join \n h/help V/version
end

function __fish_kubectl_sandbox_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_kubectl_sandbox_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_kubectl_sandbox_using_subcommand
    set -l cmd (__fish_kubectl_sandbox_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c kubectl-sandbox -n "__fish_kubectl_sandbox_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-sandbox -n "__fish_kubectl_sandbox_needs_command" -s V -l version -d 'Print version'
complete -c kubectl-sandbox -n "__fish_kubectl_sandbox_needs_command" -f -a "check" -d 'Audit the cluster: node pools (GKE), RuntimeClass, sandbox nodes and workloads'
complete -c kubectl-sandbox -n "__fish_kubectl_sandbox_needs_command" -f -a "snapshot" -d 'Capture the cluster\'s snapshot (evidence for auditors; `check --from FILE` later)'
complete -c kubectl-sandbox -n "__fish_kubectl_sandbox_needs_command" -f -a "explain-pod" -d 'Explain, field by field, what stops a workload from running under GKE Sandbox'
complete -c kubectl-sandbox -n "__fish_kubectl_sandbox_needs_command" -f -a "migrate" -d 'Move workloads to GKE Sandbox: plan, apply with backup and dry run, roll back'
complete -c kubectl-sandbox -n "__fish_kubectl_sandbox_needs_command" -f -a "policy" -d 'Print or apply an admission policy that requires gVisor in untrusted namespaces'
complete -c kubectl-sandbox -n "__fish_kubectl_sandbox_needs_command" -f -a "version" -d 'Print the version'
complete -c kubectl-sandbox -n "__fish_kubectl_sandbox_needs_command" -f -a "completion" -d 'Print the shell completion script for kubectl-sandbox (bash, zsh, fish, powershell, elvish)'
complete -c kubectl-sandbox -n "__fish_kubectl_sandbox_using_subcommand check" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)' -r -F
complete -c kubectl-sandbox -n "__fish_kubectl_sandbox_using_subcommand check" -l context -d 'The kubeconfig context to use (default: the current context)' -r
complete -c kubectl-sandbox -n "__fish_kubectl_sandbox_using_subcommand check" -l request-timeout -d 'How long to wait for one API request, like kubectl\'s: 30s, 1m, 500ms; 0 waits forever' -r
complete -c kubectl-sandbox -n "__fish_kubectl_sandbox_using_subcommand check" -l project -d 'GCP project of the cluster (default: from the context\'s gke_PROJECT_LOCATION_CLUSTER)' -r
complete -c kubectl-sandbox -n "__fish_kubectl_sandbox_using_subcommand check" -l location -d 'Region or zone of the cluster (default: from the context\'s cluster entry)' -r
complete -c kubectl-sandbox -n "__fish_kubectl_sandbox_using_subcommand check" -l cluster -d 'GKE cluster name (default: from the context\'s cluster entry)' -r
complete -c kubectl-sandbox -n "__fish_kubectl_sandbox_using_subcommand check" -l gke-json -d 'Read a saved `gcloud container clusters describe --format json` instead of running gcloud' -r -F
complete -c kubectl-sandbox -n "__fish_kubectl_sandbox_using_subcommand check" -l gcloud-timeout -d 'How long gcloud may take before it is stopped' -r
complete -c kubectl-sandbox -n "__fish_kubectl_sandbox_using_subcommand check" -s n -l namespace -d 'Read pods of this namespace only (default: all namespaces)' -r
complete -c kubectl-sandbox -n "__fish_kubectl_sandbox_using_subcommand check" -s l -l selector -d 'Read only pods matching this label selector' -r
complete -c kubectl-sandbox -n "__fish_kubectl_sandbox_using_subcommand check" -l contexts -d 'Audit these contexts (comma-separated)' -r
complete -c kubectl-sandbox -n "__fish_kubectl_sandbox_using_subcommand check" -l parallel -d 'How many clusters are read at the same time' -r
complete -c kubectl-sandbox -n "__fish_kubectl_sandbox_using_subcommand check" -l cluster-timeout -d 'How long one cluster may take to read before it is reported unreachable' -r
complete -c kubectl-sandbox -n "__fish_kubectl_sandbox_using_subcommand check" -l from -d 'Audit a snapshot saved by `kubectl sandbox snapshot` instead of a live cluster' -r -F
complete -c kubectl-sandbox -n "__fish_kubectl_sandbox_using_subcommand check" -l untrusted -d 'A namespace whose pods must all run under gVisor (repeatable)' -r
complete -c kubectl-sandbox -n "__fish_kubectl_sandbox_using_subcommand check" -l untrusted-selector -d 'Namespaces whose labels match this selector must run every pod under gVisor' -r
complete -c kubectl-sandbox -n "__fish_kubectl_sandbox_using_subcommand check" -s o -l output -d 'Output format' -r -f -a "table\t''
json\t''
yaml\t''"
complete -c kubectl-sandbox -n "__fish_kubectl_sandbox_using_subcommand check" -l fail-on -d 'Exit 1 when a finding is at or above this status' -r -f -a "fail\t''
warn\t''"
complete -c kubectl-sandbox -n "__fish_kubectl_sandbox_using_subcommand check" -s A -l all-namespaces -d 'Read pods of every namespace (the default; accepted for kubectl habits)'
complete -c kubectl-sandbox -n "__fish_kubectl_sandbox_using_subcommand check" -l all-contexts -d 'Audit every context of the kubeconfig'
complete -c kubectl-sandbox -n "__fish_kubectl_sandbox_using_subcommand check" -l all-clusters -d 'Audit every GKE cluster of --project, found with one `gcloud container clusters list`'
complete -c kubectl-sandbox -n "__fish_kubectl_sandbox_using_subcommand check" -l no-headers -d 'Table without headers, section titles or summary: one row per finding'
complete -c kubectl-sandbox -n "__fish_kubectl_sandbox_using_subcommand check" -l allow-skip -d 'Accept an incomplete audit (a cluster unreachable, a part forbidden): exit with what the findings alone say instead of 4'
complete -c kubectl-sandbox -n "__fish_kubectl_sandbox_using_subcommand check" -l summary -d 'Many clusters: print only the fleet table, not each cluster\'s findings'
complete -c kubectl-sandbox -n "__fish_kubectl_sandbox_using_subcommand check" -l no-gke -d 'Do not ask GKE (gcloud) at all: the node-pool checks are SKIP, on purpose (the audit still counts as complete).'
complete -c kubectl-sandbox -n "__fish_kubectl_sandbox_using_subcommand check" -s h -l help -d 'Print help'
complete -c kubectl-sandbox -n "__fish_kubectl_sandbox_using_subcommand check" -s V -l version -d 'Print version'
complete -c kubectl-sandbox -n "__fish_kubectl_sandbox_using_subcommand snapshot" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)' -r -F
complete -c kubectl-sandbox -n "__fish_kubectl_sandbox_using_subcommand snapshot" -l context -d 'The kubeconfig context to use (default: the current context)' -r
complete -c kubectl-sandbox -n "__fish_kubectl_sandbox_using_subcommand snapshot" -l request-timeout -d 'How long to wait for one API request, like kubectl\'s: 30s, 1m, 500ms; 0 waits forever' -r
complete -c kubectl-sandbox -n "__fish_kubectl_sandbox_using_subcommand snapshot" -l project -d 'GCP project of the cluster (default: from the context\'s gke_PROJECT_LOCATION_CLUSTER)' -r
complete -c kubectl-sandbox -n "__fish_kubectl_sandbox_using_subcommand snapshot" -l location -d 'Region or zone of the cluster (default: from the context\'s cluster entry)' -r
complete -c kubectl-sandbox -n "__fish_kubectl_sandbox_using_subcommand snapshot" -l cluster -d 'GKE cluster name (default: from the context\'s cluster entry)' -r
complete -c kubectl-sandbox -n "__fish_kubectl_sandbox_using_subcommand snapshot" -l gke-json -d 'Read a saved `gcloud container clusters describe --format json` instead of running gcloud' -r -F
complete -c kubectl-sandbox -n "__fish_kubectl_sandbox_using_subcommand snapshot" -l gcloud-timeout -d 'How long gcloud may take before it is stopped' -r
complete -c kubectl-sandbox -n "__fish_kubectl_sandbox_using_subcommand snapshot" -s n -l namespace -d 'Read pods of this namespace only (default: all namespaces)' -r
complete -c kubectl-sandbox -n "__fish_kubectl_sandbox_using_subcommand snapshot" -s l -l selector -d 'Read only pods matching this label selector' -r
complete -c kubectl-sandbox -n "__fish_kubectl_sandbox_using_subcommand snapshot" -l contexts -d 'Audit these contexts (comma-separated)' -r
complete -c kubectl-sandbox -n "__fish_kubectl_sandbox_using_subcommand snapshot" -l parallel -d 'How many clusters are read at the same time' -r
complete -c kubectl-sandbox -n "__fish_kubectl_sandbox_using_subcommand snapshot" -l cluster-timeout -d 'How long one cluster may take to read before it is reported unreachable' -r
complete -c kubectl-sandbox -n "__fish_kubectl_sandbox_using_subcommand snapshot" -s o -l output -d 'Output format' -r -f -a "json\t''
yaml\t''"
complete -c kubectl-sandbox -n "__fish_kubectl_sandbox_using_subcommand snapshot" -s A -l all-namespaces -d 'Read pods of every namespace (the default; accepted for kubectl habits)'
complete -c kubectl-sandbox -n "__fish_kubectl_sandbox_using_subcommand snapshot" -l all-contexts -d 'Audit every context of the kubeconfig'
complete -c kubectl-sandbox -n "__fish_kubectl_sandbox_using_subcommand snapshot" -l all-clusters -d 'Audit every GKE cluster of --project, found with one `gcloud container clusters list`'
complete -c kubectl-sandbox -n "__fish_kubectl_sandbox_using_subcommand snapshot" -l allow-skip -d 'Accept an incomplete snapshot (a part forbidden or gcloud unavailable): exit 0 instead of 4. The gaps are recorded in the file either way'
complete -c kubectl-sandbox -n "__fish_kubectl_sandbox_using_subcommand snapshot" -l no-gke -d 'Do not ask GKE (gcloud) at all: the snapshot\'s GKE part is left out, on purpose.'
complete -c kubectl-sandbox -n "__fish_kubectl_sandbox_using_subcommand snapshot" -s h -l help -d 'Print help'
complete -c kubectl-sandbox -n "__fish_kubectl_sandbox_using_subcommand snapshot" -s V -l version -d 'Print version'
complete -c kubectl-sandbox -n "__fish_kubectl_sandbox_using_subcommand explain-pod" -s f -l filename -d 'Manifest file, directory or `-` for stdin: YAML (multi-document) or JSON, List kinds too. Repeatable. No cluster is needed' -r -F
complete -c kubectl-sandbox -n "__fish_kubectl_sandbox_using_subcommand explain-pod" -s n -l namespace -d 'The namespace of the targets, and of manifests that name none' -r
complete -c kubectl-sandbox -n "__fish_kubectl_sandbox_using_subcommand explain-pod" -s l -l selector -d 'Only objects whose labels match, e.g. app=web,tier!=db' -r
complete -c kubectl-sandbox -n "__fish_kubectl_sandbox_using_subcommand explain-pod" -s o -l output -d 'Output format. json and yaml carry the schema kubectl-sandbox.dev/explain/v1' -r -f -a "table\t''
json\t''
yaml\t''
sarif\t''"
complete -c kubectl-sandbox -n "__fish_kubectl_sandbox_using_subcommand explain-pod" -l fail-on -d 'The verdict that makes the exit code 1' -r -f -a "blocked\t'Exit 1 when an object is blocked'
caveat\t'Exit 1 when an object is blocked or compatible only with caveats'"
complete -c kubectl-sandbox -n "__fish_kubectl_sandbox_using_subcommand explain-pod" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)' -r -F
complete -c kubectl-sandbox -n "__fish_kubectl_sandbox_using_subcommand explain-pod" -l context -d 'The kubeconfig context to use (default: the current context)' -r
complete -c kubectl-sandbox -n "__fish_kubectl_sandbox_using_subcommand explain-pod" -l request-timeout -d 'How long to wait for one API request, like kubectl\'s: 30s, 1m, 500ms; 0 waits forever' -r
complete -c kubectl-sandbox -n "__fish_kubectl_sandbox_using_subcommand explain-pod" -l project -d 'GCP project of the cluster (default: from the context\'s gke_PROJECT_LOCATION_CLUSTER)' -r
complete -c kubectl-sandbox -n "__fish_kubectl_sandbox_using_subcommand explain-pod" -l location -d 'Region or zone of the cluster (default: from the context\'s cluster entry)' -r
complete -c kubectl-sandbox -n "__fish_kubectl_sandbox_using_subcommand explain-pod" -l cluster -d 'GKE cluster name (default: from the context\'s cluster entry)' -r
complete -c kubectl-sandbox -n "__fish_kubectl_sandbox_using_subcommand explain-pod" -l gke-json -d 'Read a saved `gcloud container clusters describe --format json` instead of running gcloud' -r -F
complete -c kubectl-sandbox -n "__fish_kubectl_sandbox_using_subcommand explain-pod" -l gcloud-timeout -d 'How long gcloud may take before it is stopped' -r
complete -c kubectl-sandbox -n "__fish_kubectl_sandbox_using_subcommand explain-pod" -s R -l recursive -d 'Descend into directories given with -f'
complete -c kubectl-sandbox -n "__fish_kubectl_sandbox_using_subcommand explain-pod" -s A -l all-namespaces -d 'Explain the workloads of every namespace, one line each'
complete -c kubectl-sandbox -n "__fish_kubectl_sandbox_using_subcommand explain-pod" -l no-headers -d 'Table without headers, blocks or summary: one row per object, as on check'
complete -c kubectl-sandbox -n "__fish_kubectl_sandbox_using_subcommand explain-pod" -l server-dry-run -d 'Ask the cluster: create each workload\'s sandboxed pod as a dry run (dryRun=All) and report what its admission says. One request per workload; needs `create pods`'
complete -c kubectl-sandbox -n "__fish_kubectl_sandbox_using_subcommand explain-pod" -l allow-skip -d 'Accept an incomplete live run (a list forbidden, gcloud unavailable, an admission dry run not answered): exit from the verdicts alone instead of 4'
complete -c kubectl-sandbox -n "__fish_kubectl_sandbox_using_subcommand explain-pod" -l no-gke -d 'Do not ask GKE (gcloud) at all: what needs the GKE version or node pools is reported as not known.'
complete -c kubectl-sandbox -n "__fish_kubectl_sandbox_using_subcommand explain-pod" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-sandbox -n "__fish_kubectl_sandbox_using_subcommand explain-pod" -s V -l version -d 'Print version'
complete -c kubectl-sandbox -n "__fish_kubectl_sandbox_using_subcommand migrate" -s f -l filename -d 'Manifest file, directory or `-` for stdin: YAML (multi-document) or JSON, List kinds too. Repeatable. No cluster is needed' -r -F
complete -c kubectl-sandbox -n "__fish_kubectl_sandbox_using_subcommand migrate" -s n -l namespace -d 'The namespace of the workloads (default: the kubeconfig\'s)' -r
complete -c kubectl-sandbox -n "__fish_kubectl_sandbox_using_subcommand migrate" -s l -l selector -d 'Only workloads whose labels match, e.g. app=web,tier!=db' -r
complete -c kubectl-sandbox -n "__fish_kubectl_sandbox_using_subcommand migrate" -s o -l output -d 'table (the plan), json (schema kubectl-sandbox.dev/migrate/v1) or yaml (the changed manifests)' -r -f -a "table\t''
json\t''
yaml\t'The changed manifests, in their original order (for GitOps repositories)'"
complete -c kubectl-sandbox -n "__fish_kubectl_sandbox_using_subcommand migrate" -l backup-dir -d 'Where --apply saves the originals (default: a new kubectl-sandbox-backup-TIMESTAMP)' -r -F
complete -c kubectl-sandbox -n "__fish_kubectl_sandbox_using_subcommand migrate" -l timeout -d 'How long --wait follows the rollouts' -r
complete -c kubectl-sandbox -n "__fish_kubectl_sandbox_using_subcommand migrate" -l rollback -d 'Restore the objects saved in a backup directory written by --apply' -r -F
complete -c kubectl-sandbox -n "__fish_kubectl_sandbox_using_subcommand migrate" -l pool-name -d 'Name of the sandbox node pool to create' -r
complete -c kubectl-sandbox -n "__fish_kubectl_sandbox_using_subcommand migrate" -l machine-type -d 'Machine type of the new pool (default: the machine type of an ordinary pool)' -r
complete -c kubectl-sandbox -n "__fish_kubectl_sandbox_using_subcommand migrate" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)' -r -F
complete -c kubectl-sandbox -n "__fish_kubectl_sandbox_using_subcommand migrate" -l context -d 'The kubeconfig context to use (default: the current context)' -r
complete -c kubectl-sandbox -n "__fish_kubectl_sandbox_using_subcommand migrate" -l request-timeout -d 'How long to wait for one API request, like kubectl\'s: 30s, 1m, 500ms; 0 waits forever' -r
complete -c kubectl-sandbox -n "__fish_kubectl_sandbox_using_subcommand migrate" -l project -d 'GCP project of the cluster (default: from the context\'s gke_PROJECT_LOCATION_CLUSTER)' -r
complete -c kubectl-sandbox -n "__fish_kubectl_sandbox_using_subcommand migrate" -l location -d 'Region or zone of the cluster (default: from the context\'s cluster entry)' -r
complete -c kubectl-sandbox -n "__fish_kubectl_sandbox_using_subcommand migrate" -l cluster -d 'GKE cluster name (default: from the context\'s cluster entry)' -r
complete -c kubectl-sandbox -n "__fish_kubectl_sandbox_using_subcommand migrate" -l gke-json -d 'Read a saved `gcloud container clusters describe --format json` instead of running gcloud' -r -F
complete -c kubectl-sandbox -n "__fish_kubectl_sandbox_using_subcommand migrate" -l gcloud-timeout -d 'How long gcloud may take before it is stopped' -r
complete -c kubectl-sandbox -n "__fish_kubectl_sandbox_using_subcommand migrate" -s R -l recursive -d 'Descend into directories given with -f'
complete -c kubectl-sandbox -n "__fish_kubectl_sandbox_using_subcommand migrate" -l all -d 'Every workload of the namespace'
complete -c kubectl-sandbox -n "__fish_kubectl_sandbox_using_subcommand migrate" -l apply -d 'Make the changes: dry run of all, backup, guarded writes, restore on failure'
complete -c kubectl-sandbox -n "__fish_kubectl_sandbox_using_subcommand migrate" -l wait -d 'After --apply, follow the rollouts until the new pods run on sandbox nodes'
complete -c kubectl-sandbox -n "__fish_kubectl_sandbox_using_subcommand migrate" -l server-dry-run -d 'Ask the cluster whether each workload\'s sandboxed pod would be admitted: a pod created as a dry run, one request per workload; needs `create pods`. --apply always does it, before the first write, and skips a workload whose pod would be refused'
complete -c kubectl-sandbox -n "__fish_kubectl_sandbox_using_subcommand migrate" -l force -d 'Migrate workloads explain-pod finds blocked, or whose sandboxed pod the cluster refuses; rollback: restore objects changed since'
complete -c kubectl-sandbox -n "__fish_kubectl_sandbox_using_subcommand migrate" -l allow-skip -d 'Accept an incomplete run (a sandboxed pod\'s admission not known: forbidden, quota, a webhook without dry run, no answer): exit from the plan and writes alone instead of 4'
complete -c kubectl-sandbox -n "__fish_kubectl_sandbox_using_subcommand migrate" -l create-node-pool -d 'When the cluster has no sandbox capacity, create the node pool with gcloud (after a confirmation). Never on Autopilot'
complete -c kubectl-sandbox -n "__fish_kubectl_sandbox_using_subcommand migrate" -l yes -d 'Do not ask before creating the node pool'
complete -c kubectl-sandbox -n "__fish_kubectl_sandbox_using_subcommand migrate" -l no-gke -d 'Do not ask GKE (gcloud) at all: the plan cannot check for a sandbox node pool or give the command to create one.'
complete -c kubectl-sandbox -n "__fish_kubectl_sandbox_using_subcommand migrate" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-sandbox -n "__fish_kubectl_sandbox_using_subcommand migrate" -s V -l version -d 'Print version'
complete -c kubectl-sandbox -n "__fish_kubectl_sandbox_using_subcommand policy" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)' -r -F
complete -c kubectl-sandbox -n "__fish_kubectl_sandbox_using_subcommand policy" -l context -d 'The kubeconfig context to use (default: the current context)' -r
complete -c kubectl-sandbox -n "__fish_kubectl_sandbox_using_subcommand policy" -l request-timeout -d 'How long to wait for one API request, like kubectl\'s: 30s, 1m, 500ms; 0 waits forever' -r
complete -c kubectl-sandbox -n "__fish_kubectl_sandbox_using_subcommand policy" -l untrusted-selector -d 'Namespaces whose labels match this selector get the policy' -r
complete -c kubectl-sandbox -n "__fish_kubectl_sandbox_using_subcommand policy" -l action -d 'What the binding does with a pod that is not sandboxed' -r -f -a "deny\t'Refuse the request'
warn\t'Admit it and warn the client (kubectl prints the message)'
audit\t'Admit it and record the failure in the audit log'"
complete -c kubectl-sandbox -n "__fish_kubectl_sandbox_using_subcommand policy" -s o -l output -d 'Output format of the printed objects' -r -f -a "yaml\t''
json\t''"
complete -c kubectl-sandbox -n "__fish_kubectl_sandbox_using_subcommand policy" -l strict -d 'Also refuse what explain-pod reports as blocking under GKE Sandbox (hardened pods are admitted)'
complete -c kubectl-sandbox -n "__fish_kubectl_sandbox_using_subcommand policy" -l apply -d 'Install or update both objects (server-side apply, field manager kubectl-sandbox, after a server dry run of both)'
complete -c kubectl-sandbox -n "__fish_kubectl_sandbox_using_subcommand policy" -l force-conflicts -d 'With --apply: take over the fields another field manager set (e.g. `kubectl apply`), like `kubectl apply --server-side --force-conflicts`, instead of stopping at the conflict; both objects end exactly as printed'
complete -c kubectl-sandbox -n "__fish_kubectl_sandbox_using_subcommand policy" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-sandbox -n "__fish_kubectl_sandbox_using_subcommand policy" -s V -l version -d 'Print version'
complete -c kubectl-sandbox -n "__fish_kubectl_sandbox_using_subcommand version" -s h -l help -d 'Print help'
complete -c kubectl-sandbox -n "__fish_kubectl_sandbox_using_subcommand version" -s V -l version -d 'Print version'
complete -c kubectl-sandbox -n "__fish_kubectl_sandbox_using_subcommand completion" -s h -l help -d 'Print help'
complete -c kubectl-sandbox -n "__fish_kubectl_sandbox_using_subcommand completion" -s V -l version -d 'Print version'
