
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'kubectl-sandbox' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'kubectl-sandbox'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'kubectl-sandbox' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Audit the cluster: node pools (GKE), RuntimeClass, sandbox nodes and workloads')
            [CompletionResult]::new('snapshot', 'snapshot', [CompletionResultType]::ParameterValue, 'Capture the cluster''s snapshot (evidence for auditors; `check --from FILE` later)')
            [CompletionResult]::new('explain-pod', 'explain-pod', [CompletionResultType]::ParameterValue, 'Explain, field by field, what stops a workload from running under GKE Sandbox')
            [CompletionResult]::new('migrate', 'migrate', [CompletionResultType]::ParameterValue, 'Move workloads to GKE Sandbox: plan, apply with backup and dry run, roll back')
            [CompletionResult]::new('policy', 'policy', [CompletionResultType]::ParameterValue, 'Print or apply an admission policy that requires gVisor in untrusted namespaces')
            [CompletionResult]::new('version', 'version', [CompletionResultType]::ParameterValue, 'Print the version')
            [CompletionResult]::new('completion', 'completion', [CompletionResultType]::ParameterValue, 'Print the shell completion script for kubectl-sandbox (bash, zsh, fish, powershell, elvish)')
            break
        }
        'kubectl-sandbox;check' {
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use (default: the current context)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'How long to wait for one API request, like kubectl''s: 30s, 1m, 500ms; 0 waits forever')
            [CompletionResult]::new('--project', '--project', [CompletionResultType]::ParameterName, 'GCP project of the cluster (default: from the context''s gke_PROJECT_LOCATION_CLUSTER)')
            [CompletionResult]::new('--location', '--location', [CompletionResultType]::ParameterName, 'Region or zone of the cluster (default: from the context''s cluster entry)')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'GKE cluster name (default: from the context''s cluster entry)')
            [CompletionResult]::new('--gke-json', '--gke-json', [CompletionResultType]::ParameterName, 'Read a saved `gcloud container clusters describe --format json` instead of running gcloud')
            [CompletionResult]::new('--gcloud-timeout', '--gcloud-timeout', [CompletionResultType]::ParameterName, 'How long gcloud may take before it is stopped')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Read pods of this namespace only (default: all namespaces)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Read pods of this namespace only (default: all namespaces)')
            [CompletionResult]::new('-l', '-l', [CompletionResultType]::ParameterName, 'Read only pods matching this label selector')
            [CompletionResult]::new('--selector', '--selector', [CompletionResultType]::ParameterName, 'Read only pods matching this label selector')
            [CompletionResult]::new('--contexts', '--contexts', [CompletionResultType]::ParameterName, 'Audit these contexts (comma-separated)')
            [CompletionResult]::new('--parallel', '--parallel', [CompletionResultType]::ParameterName, 'How many clusters are read at the same time')
            [CompletionResult]::new('--cluster-timeout', '--cluster-timeout', [CompletionResultType]::ParameterName, 'How long one cluster may take to read before it is reported unreachable')
            [CompletionResult]::new('--from', '--from', [CompletionResultType]::ParameterName, 'Audit a snapshot saved by `kubectl sandbox snapshot` instead of a live cluster')
            [CompletionResult]::new('--untrusted', '--untrusted', [CompletionResultType]::ParameterName, 'A namespace whose pods must all run under gVisor (repeatable)')
            [CompletionResult]::new('--untrusted-selector', '--untrusted-selector', [CompletionResultType]::ParameterName, 'Namespaces whose labels match this selector must run every pod under gVisor')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--fail-on', '--fail-on', [CompletionResultType]::ParameterName, 'Exit 1 when a finding is at or above this status')
            [CompletionResult]::new('-A', '-A ', [CompletionResultType]::ParameterName, 'Read pods of every namespace (the default; accepted for kubectl habits)')
            [CompletionResult]::new('--all-namespaces', '--all-namespaces', [CompletionResultType]::ParameterName, 'Read pods of every namespace (the default; accepted for kubectl habits)')
            [CompletionResult]::new('--all-contexts', '--all-contexts', [CompletionResultType]::ParameterName, 'Audit every context of the kubeconfig')
            [CompletionResult]::new('--all-clusters', '--all-clusters', [CompletionResultType]::ParameterName, 'Audit every GKE cluster of --project, found with one `gcloud container clusters list`')
            [CompletionResult]::new('--no-headers', '--no-headers', [CompletionResultType]::ParameterName, 'Table without headers, section titles or summary: one row per finding')
            [CompletionResult]::new('--allow-skip', '--allow-skip', [CompletionResultType]::ParameterName, 'Accept an incomplete audit (a cluster unreachable, a part forbidden): exit with what the findings alone say instead of 4')
            [CompletionResult]::new('--summary', '--summary', [CompletionResultType]::ParameterName, 'Many clusters: print only the fleet table, not each cluster''s findings')
            [CompletionResult]::new('--no-gke', '--no-gke', [CompletionResultType]::ParameterName, 'Do not ask GKE (gcloud) at all: the node-pool checks are SKIP, on purpose (the audit still counts as complete).')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kubectl-sandbox;snapshot' {
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use (default: the current context)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'How long to wait for one API request, like kubectl''s: 30s, 1m, 500ms; 0 waits forever')
            [CompletionResult]::new('--project', '--project', [CompletionResultType]::ParameterName, 'GCP project of the cluster (default: from the context''s gke_PROJECT_LOCATION_CLUSTER)')
            [CompletionResult]::new('--location', '--location', [CompletionResultType]::ParameterName, 'Region or zone of the cluster (default: from the context''s cluster entry)')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'GKE cluster name (default: from the context''s cluster entry)')
            [CompletionResult]::new('--gke-json', '--gke-json', [CompletionResultType]::ParameterName, 'Read a saved `gcloud container clusters describe --format json` instead of running gcloud')
            [CompletionResult]::new('--gcloud-timeout', '--gcloud-timeout', [CompletionResultType]::ParameterName, 'How long gcloud may take before it is stopped')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Read pods of this namespace only (default: all namespaces)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Read pods of this namespace only (default: all namespaces)')
            [CompletionResult]::new('-l', '-l', [CompletionResultType]::ParameterName, 'Read only pods matching this label selector')
            [CompletionResult]::new('--selector', '--selector', [CompletionResultType]::ParameterName, 'Read only pods matching this label selector')
            [CompletionResult]::new('--contexts', '--contexts', [CompletionResultType]::ParameterName, 'Audit these contexts (comma-separated)')
            [CompletionResult]::new('--parallel', '--parallel', [CompletionResultType]::ParameterName, 'How many clusters are read at the same time')
            [CompletionResult]::new('--cluster-timeout', '--cluster-timeout', [CompletionResultType]::ParameterName, 'How long one cluster may take to read before it is reported unreachable')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('-A', '-A ', [CompletionResultType]::ParameterName, 'Read pods of every namespace (the default; accepted for kubectl habits)')
            [CompletionResult]::new('--all-namespaces', '--all-namespaces', [CompletionResultType]::ParameterName, 'Read pods of every namespace (the default; accepted for kubectl habits)')
            [CompletionResult]::new('--all-contexts', '--all-contexts', [CompletionResultType]::ParameterName, 'Audit every context of the kubeconfig')
            [CompletionResult]::new('--all-clusters', '--all-clusters', [CompletionResultType]::ParameterName, 'Audit every GKE cluster of --project, found with one `gcloud container clusters list`')
            [CompletionResult]::new('--allow-skip', '--allow-skip', [CompletionResultType]::ParameterName, 'Accept an incomplete snapshot (a part forbidden or gcloud unavailable): exit 0 instead of 4. The gaps are recorded in the file either way')
            [CompletionResult]::new('--no-gke', '--no-gke', [CompletionResultType]::ParameterName, 'Do not ask GKE (gcloud) at all: the snapshot''s GKE part is left out, on purpose.')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kubectl-sandbox;explain-pod' {
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Manifest file, directory or `-` for stdin: YAML (multi-document) or JSON, List kinds too. Repeatable. No cluster is needed')
            [CompletionResult]::new('--filename', '--filename', [CompletionResultType]::ParameterName, 'Manifest file, directory or `-` for stdin: YAML (multi-document) or JSON, List kinds too. Repeatable. No cluster is needed')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'The namespace of the targets, and of manifests that name none')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'The namespace of the targets, and of manifests that name none')
            [CompletionResult]::new('-l', '-l', [CompletionResultType]::ParameterName, 'Only objects whose labels match, e.g. app=web,tier!=db')
            [CompletionResult]::new('--selector', '--selector', [CompletionResultType]::ParameterName, 'Only objects whose labels match, e.g. app=web,tier!=db')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format. json and yaml carry the schema kubectl-sandbox.dev/explain/v1')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format. json and yaml carry the schema kubectl-sandbox.dev/explain/v1')
            [CompletionResult]::new('--fail-on', '--fail-on', [CompletionResultType]::ParameterName, 'The verdict that makes the exit code 1')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use (default: the current context)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'How long to wait for one API request, like kubectl''s: 30s, 1m, 500ms; 0 waits forever')
            [CompletionResult]::new('--project', '--project', [CompletionResultType]::ParameterName, 'GCP project of the cluster (default: from the context''s gke_PROJECT_LOCATION_CLUSTER)')
            [CompletionResult]::new('--location', '--location', [CompletionResultType]::ParameterName, 'Region or zone of the cluster (default: from the context''s cluster entry)')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'GKE cluster name (default: from the context''s cluster entry)')
            [CompletionResult]::new('--gke-json', '--gke-json', [CompletionResultType]::ParameterName, 'Read a saved `gcloud container clusters describe --format json` instead of running gcloud')
            [CompletionResult]::new('--gcloud-timeout', '--gcloud-timeout', [CompletionResultType]::ParameterName, 'How long gcloud may take before it is stopped')
            [CompletionResult]::new('-R', '-R ', [CompletionResultType]::ParameterName, 'Descend into directories given with -f')
            [CompletionResult]::new('--recursive', '--recursive', [CompletionResultType]::ParameterName, 'Descend into directories given with -f')
            [CompletionResult]::new('-A', '-A ', [CompletionResultType]::ParameterName, 'Explain the workloads of every namespace, one line each')
            [CompletionResult]::new('--all-namespaces', '--all-namespaces', [CompletionResultType]::ParameterName, 'Explain the workloads of every namespace, one line each')
            [CompletionResult]::new('--no-headers', '--no-headers', [CompletionResultType]::ParameterName, 'Table without headers, blocks or summary: one row per object, as on check')
            [CompletionResult]::new('--server-dry-run', '--server-dry-run', [CompletionResultType]::ParameterName, 'Ask the cluster: create each workload''s sandboxed pod as a dry run (dryRun=All) and report what its admission says. One request per workload; needs `create pods`')
            [CompletionResult]::new('--allow-skip', '--allow-skip', [CompletionResultType]::ParameterName, 'Accept an incomplete live run (a list forbidden, gcloud unavailable, an admission dry run not answered): exit from the verdicts alone instead of 4')
            [CompletionResult]::new('--no-gke', '--no-gke', [CompletionResultType]::ParameterName, 'Do not ask GKE (gcloud) at all: what needs the GKE version or node pools is reported as not known.')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kubectl-sandbox;migrate' {
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Manifest file, directory or `-` for stdin: YAML (multi-document) or JSON, List kinds too. Repeatable. No cluster is needed')
            [CompletionResult]::new('--filename', '--filename', [CompletionResultType]::ParameterName, 'Manifest file, directory or `-` for stdin: YAML (multi-document) or JSON, List kinds too. Repeatable. No cluster is needed')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'The namespace of the workloads (default: the kubeconfig''s)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'The namespace of the workloads (default: the kubeconfig''s)')
            [CompletionResult]::new('-l', '-l', [CompletionResultType]::ParameterName, 'Only workloads whose labels match, e.g. app=web,tier!=db')
            [CompletionResult]::new('--selector', '--selector', [CompletionResultType]::ParameterName, 'Only workloads whose labels match, e.g. app=web,tier!=db')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'table (the plan), json (schema kubectl-sandbox.dev/migrate/v1) or yaml (the changed manifests)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'table (the plan), json (schema kubectl-sandbox.dev/migrate/v1) or yaml (the changed manifests)')
            [CompletionResult]::new('--backup-dir', '--backup-dir', [CompletionResultType]::ParameterName, 'Where --apply saves the originals (default: a new kubectl-sandbox-backup-TIMESTAMP)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long --wait follows the rollouts')
            [CompletionResult]::new('--rollback', '--rollback', [CompletionResultType]::ParameterName, 'Restore the objects saved in a backup directory written by --apply')
            [CompletionResult]::new('--pool-name', '--pool-name', [CompletionResultType]::ParameterName, 'Name of the sandbox node pool to create')
            [CompletionResult]::new('--machine-type', '--machine-type', [CompletionResultType]::ParameterName, 'Machine type of the new pool (default: the machine type of an ordinary pool)')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use (default: the current context)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'How long to wait for one API request, like kubectl''s: 30s, 1m, 500ms; 0 waits forever')
            [CompletionResult]::new('--project', '--project', [CompletionResultType]::ParameterName, 'GCP project of the cluster (default: from the context''s gke_PROJECT_LOCATION_CLUSTER)')
            [CompletionResult]::new('--location', '--location', [CompletionResultType]::ParameterName, 'Region or zone of the cluster (default: from the context''s cluster entry)')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'GKE cluster name (default: from the context''s cluster entry)')
            [CompletionResult]::new('--gke-json', '--gke-json', [CompletionResultType]::ParameterName, 'Read a saved `gcloud container clusters describe --format json` instead of running gcloud')
            [CompletionResult]::new('--gcloud-timeout', '--gcloud-timeout', [CompletionResultType]::ParameterName, 'How long gcloud may take before it is stopped')
            [CompletionResult]::new('-R', '-R ', [CompletionResultType]::ParameterName, 'Descend into directories given with -f')
            [CompletionResult]::new('--recursive', '--recursive', [CompletionResultType]::ParameterName, 'Descend into directories given with -f')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Every workload of the namespace')
            [CompletionResult]::new('--apply', '--apply', [CompletionResultType]::ParameterName, 'Make the changes: dry run of all, backup, guarded writes, restore on failure')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'After --apply, follow the rollouts until the new pods run on sandbox nodes')
            [CompletionResult]::new('--server-dry-run', '--server-dry-run', [CompletionResultType]::ParameterName, 'Ask the cluster whether each workload''s sandboxed pod would be admitted: a pod created as a dry run, one request per workload; needs `create pods`. --apply always does it, before the first write, and skips a workload whose pod would be refused')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Migrate workloads explain-pod finds blocked, or whose sandboxed pod the cluster refuses; rollback: restore objects changed since')
            [CompletionResult]::new('--allow-skip', '--allow-skip', [CompletionResultType]::ParameterName, 'Accept an incomplete run (a sandboxed pod''s admission not known: forbidden, quota, a webhook without dry run, no answer): exit from the plan and writes alone instead of 4')
            [CompletionResult]::new('--create-node-pool', '--create-node-pool', [CompletionResultType]::ParameterName, 'When the cluster has no sandbox capacity, create the node pool with gcloud (after a confirmation). Never on Autopilot')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask before creating the node pool')
            [CompletionResult]::new('--no-gke', '--no-gke', [CompletionResultType]::ParameterName, 'Do not ask GKE (gcloud) at all: the plan cannot check for a sandbox node pool or give the command to create one.')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kubectl-sandbox;policy' {
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use (default: the current context)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'How long to wait for one API request, like kubectl''s: 30s, 1m, 500ms; 0 waits forever')
            [CompletionResult]::new('--untrusted-selector', '--untrusted-selector', [CompletionResultType]::ParameterName, 'Namespaces whose labels match this selector get the policy')
            [CompletionResult]::new('--action', '--action', [CompletionResultType]::ParameterName, 'What the binding does with a pod that is not sandboxed')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format of the printed objects')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format of the printed objects')
            [CompletionResult]::new('--strict', '--strict', [CompletionResultType]::ParameterName, 'Also refuse what explain-pod reports as blocking under GKE Sandbox (hardened pods are admitted)')
            [CompletionResult]::new('--apply', '--apply', [CompletionResultType]::ParameterName, 'Install or update both objects (server-side apply, field manager kubectl-sandbox, after a server dry run of both)')
            [CompletionResult]::new('--force-conflicts', '--force-conflicts', [CompletionResultType]::ParameterName, 'With --apply: take over the fields another field manager set (e.g. `kubectl apply`), like `kubectl apply --server-side --force-conflicts`, instead of stopping at the conflict; both objects end exactly as printed')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kubectl-sandbox;version' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kubectl-sandbox;completion' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
