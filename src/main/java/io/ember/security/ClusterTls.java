package io.ember.security;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.net.TCPSSLOptions;
import java.math.BigInteger;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPrivateKeySpec;
import java.security.spec.ECPublicKeySpec;
import java.util.Base64;
import java.util.Date;
import java.util.Set;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.params.ECDomainParameters;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.crypto.signers.HMacDSAKCalculator;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x9.ECNamedCurveTable;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;

/**
 * The cluster's TLS identity, derived from the {@link ClusterSecret}: one EC P-256 key pair whose
 * private scalar is a key derived from the secret, and one self-signed certificate for it, built
 * byte for byte the same by every holder of the secret (fixed names, serial and validity;
 * deterministic ECDSA, RFC 6979). Every member presents that certificate and trusts only it, with
 * client authentication required and TLS 1.3 only: a peer without the secret can neither
 * complete a handshake as a client nor as a server.
 *
 * <p>Applies to the clustered event bus ({@link #applyTo(EventBusOptions)}) and the object
 * transfer port (the net server and client options). Host names are not verified: the identity
 * is "holds the secret", and the certificate names no host. Must never log the key.
 */
public final class ClusterTls {
  static final String CURVE = "secp256r1";
  private static final Date NOT_BEFORE = new Date(1_577_836_800_000L); // 2020-01-01
  private static final Date NOT_AFTER = new Date(4_102_444_800_000L);  // 2100-01-01

  private final Buffer keyPem;
  private final Buffer certPem;

  private ClusterTls(Buffer keyPem, Buffer certPem) {
    this.keyPem = keyPem;
    this.certPem = certPem;
  }

  /** Derives the key pair and the certificate (a few ms of CPU: call once per JVM and cluster). */
  public static ClusterTls derive(ClusterSecret secret) {
    try {
      X9ECParameters curve = ECNamedCurveTable.getByName(CURVE);
      BigInteger n = curve.getN();
      BigInteger d = new BigInteger(1, secret.derive("ember tls key")).mod(n.subtract(BigInteger.ONE)).add(BigInteger.ONE);
      var q = curve.getG().multiply(d).normalize();
      AlgorithmParameters ap = AlgorithmParameters.getInstance("EC");
      ap.init(new ECGenParameterSpec(CURVE));
      ECParameterSpec spec = ap.getParameterSpec(ECParameterSpec.class);
      KeyFactory kf = KeyFactory.getInstance("EC");
      PrivateKey priv = kf.generatePrivate(new ECPrivateKeySpec(d, spec));
      PublicKey pub = kf.generatePublic(new ECPublicKeySpec(
          new ECPoint(q.getAffineXCoord().toBigInteger(), q.getAffineYCoord().toBigInteger()), spec));
      X500Name name = new X500Name("CN=ember cluster");
      BigInteger serial = new BigInteger(1, secret.derive("ember tls serial")).shiftRight(100);
      X509CertificateHolder cert = new JcaX509v3CertificateBuilder(name, serial, NOT_BEFORE, NOT_AFTER, name, pub)
          .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
          .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyCertSign))
          .build(new DeterministicSigner(curve, d));
      return new ClusterTls(pem("PRIVATE KEY", priv.getEncoded()), pem("CERTIFICATE", cert.getEncoded()));
    } catch (GeneralSecurityException | java.io.IOException e) {
      throw new IllegalStateException("cannot derive the cluster's TLS certificate: " + e.getMessage(), e);
    }
  }

  /**
   * ECDSA with SHA-256 and the nonce derived from the key and the message (RFC 6979), so the
   * certificate's signature, like the rest of it, is the same for every holder of the secret.
   */
  private static final class DeterministicSigner implements ContentSigner {
    private final ByteArrayOutputStream data = new ByteArrayOutputStream();
    private final ECPrivateKeyParameters key;

    DeterministicSigner(X9ECParameters curve, BigInteger d) {
      this.key = new ECPrivateKeyParameters(d, new ECDomainParameters(curve));
    }

    @Override
    public AlgorithmIdentifier getAlgorithmIdentifier() {
      return new AlgorithmIdentifier(X9ObjectIdentifiers.ecdsa_with_SHA256);
    }

    @Override
    public OutputStream getOutputStream() {
      return data;
    }

    @Override
    public byte[] getSignature() {
      SHA256Digest sha = new SHA256Digest();
      byte[] bytes = data.toByteArray();
      byte[] hash = new byte[32];
      sha.update(bytes, 0, bytes.length);
      sha.doFinal(hash, 0);
      ECDSASigner signer = new ECDSASigner(new HMacDSAKCalculator(new SHA256Digest()));
      signer.init(true, key);
      BigInteger[] rs = signer.generateSignature(hash);
      try {
        return new DERSequence(new ASN1Encodable[] {new ASN1Integer(rs[0]), new ASN1Integer(rs[1])}).getEncoded();
      } catch (java.io.IOException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  private static Buffer pem(String type, byte[] der) {
    String b64 = Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der);
    return Buffer.buffer("-----BEGIN " + type + "-----\n" + b64 + "\n-----END " + type + "-----\n");
  }

  /** The certificate in PEM (public: tests compare what two holders derive). */
  public Buffer certificatePem() {
    return certPem.copy();
  }

  private <T extends TCPSSLOptions> T common(T o) {
    o.setSsl(true)
        .setKeyCertOptions(new PemKeyCertOptions().setKeyValue(keyPem).setCertValue(certPem))
        .setTrustOptions(new PemTrustOptions().addCertValue(certPem))
        .setEnabledSecureTransportProtocols(Set.of("TLSv1.3"));
    return o;
  }

  /** The clustered event bus: TLS 1.3, this identity, client certificates required. */
  public EventBusOptions applyTo(EventBusOptions o) {
    common(o).setClientAuth(ClientAuth.REQUIRED);
    return o;
  }

  /** A server (the object transfer port): as the event bus. */
  public NetServerOptions applyTo(NetServerOptions o) {
    common(o).setClientAuth(ClientAuth.REQUIRED);
    return o;
  }

  /** A client of a server above: presents this identity, trusts only it, no host-name check. */
  public NetClientOptions applyTo(NetClientOptions o) {
    common(o).setHostnameVerificationAlgorithm("");
    return o;
  }

  @Override
  public String toString() {
    return "ClusterTls(derived)";
  }
}
