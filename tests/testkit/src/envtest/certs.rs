//! The control plane's certificates, made with the openssl CLI for each run: a CA, a serving
//! certificate for 127.0.0.1/localhost, an admin client certificate in `system:masters`, and
//! an RSA key pair that signs service-account tokens.

use std::path::{Path, PathBuf};
use std::process::Command;

pub struct Certs {
    pub ca_cert: PathBuf,
    pub serving_cert: PathBuf,
    pub serving_key: PathBuf,
    pub admin_cert: PathBuf,
    pub admin_key: PathBuf,
    pub service_account_key: PathBuf,
    pub service_account_pub: PathBuf,
}

fn openssl(args: &[&str]) -> Result<(), String> {
    let out = Command::new("openssl")
        .args(args)
        .output()
        .map_err(|e| format!("openssl could not be run: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "openssl {} failed: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr)
        ))
    }
}

fn path_str(p: &Path) -> &str {
    p.to_str().expect("temporary paths are UTF-8")
}

/// Who signs a certificate: itself (the CA) or the CA made first.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Issuer {
    SelfSigned,
    Ca,
}

/// A P-256 key `NAME.key` and its certificate `NAME.crt` (OpenSSL 3's `req -x509`, with
/// `-CA` for one the CA signs).
fn certificate(
    dir: &Path,
    name: &str,
    subject: &str,
    exts: &[&str],
    issuer: Issuer,
) -> Result<(PathBuf, PathBuf), String> {
    let (cert, key) = (
        dir.join(format!("{name}.crt")),
        dir.join(format!("{name}.key")),
    );
    let (ca_cert, ca_key) = (dir.join("ca.crt"), dir.join("ca.key"));
    let mut args = vec![
        "req",
        "-x509",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
        "-nodes",
        "-days",
        "2",
        "-subj",
        subject,
        "-keyout",
        path_str(&key),
        "-out",
        path_str(&cert),
    ];
    if issuer == Issuer::Ca {
        args.extend(["-CA", path_str(&ca_cert), "-CAkey", path_str(&ca_key)]);
    }
    for ext in exts {
        args.extend(["-addext", ext]);
    }
    openssl(&args)?;
    Ok((cert, key))
}

impl Certs {
    pub fn generate(dir: &Path) -> Result<Certs, String> {
        let (ca_cert, _) = certificate(
            dir,
            "ca",
            "/CN=envtest-ca",
            &[
                "basicConstraints=critical,CA:TRUE",
                "keyUsage=critical,keyCertSign,cRLSign,digitalSignature",
            ],
            Issuer::SelfSigned,
        )?;
        let (serving_cert, serving_key) = certificate(
            dir,
            "serving",
            "/CN=kube-apiserver",
            &[
                "subjectAltName=IP:127.0.0.1,DNS:localhost",
                "extendedKeyUsage=serverAuth",
                "basicConstraints=critical,CA:FALSE",
            ],
            Issuer::Ca,
        )?;
        let (admin_cert, admin_key) = certificate(
            dir,
            "admin",
            "/O=system:masters/CN=envtest-admin",
            &[
                "extendedKeyUsage=clientAuth",
                "basicConstraints=critical,CA:FALSE",
            ],
            Issuer::Ca,
        )?;
        let service_account_key = dir.join("sa.key");
        let service_account_pub = dir.join("sa.pub");
        openssl(&[
            "genpkey",
            "-algorithm",
            "RSA",
            "-pkeyopt",
            "rsa_keygen_bits:2048",
            "-out",
            path_str(&service_account_key),
        ])?;
        openssl(&[
            "pkey",
            "-in",
            path_str(&service_account_key),
            "-pubout",
            "-out",
            path_str(&service_account_pub),
        ])?;
        Ok(Certs {
            ca_cert,
            serving_cert,
            serving_key,
            admin_cert,
            admin_key,
            service_account_key,
            service_account_pub,
        })
    }
}
