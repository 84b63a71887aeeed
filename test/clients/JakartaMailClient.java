// A mail client as LPS vendors build them on Java: Jakarta Mail (Debian's libjakarta-mail-java), STARTTLS on IMAP
// and SMTP with the trust roots motco exports, authenticated by XOAUTH2 with a PSC access token or by an
// ORG_AUTH_CLI client certificate (PKCS#12) followed by SASL PLAIN. It sends a message to the mailbox itself,
// then reads it back over IMAP. test/interop-jakarta.test.ts compiles it with javac and runs it.
//
// Arguments: mode (xoauth2 | mtls), host, imapPort, smtpPort, user, secret (the token, or the password sent with
// PLAIN), trust PEM file, subject, then for mtls the PKCS#12 file and its password. One line per step on stdout
// ("SENT", "FOUND <subject>", "AUTH <mechanism> <protocol>"); an error ends with "ERROR <class>: <message>".
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.search.SubjectTerm;
import java.io.FileInputStream;
import java.io.InputStream;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Properties;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

public class JakartaMailClient {
  /** Référentiel #2: TLS 1.2 with its six suites, TLS 1.3 allowed (what an LPS is asked to offer). */
  static final String PROTOCOLS = "TLSv1.3 TLSv1.2";
  static final String SUITES = String.join(" ",
      "TLS_AES_256_GCM_SHA384", "TLS_AES_128_GCM_SHA256", "TLS_CHACHA20_POLY1305_SHA256",
      "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
      "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384", "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256",
      "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384", "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256");

  public static void main(String[] args) {
    try {
      run(args);
    } catch (Exception e) {
      System.out.println("ERROR " + e.getClass().getName() + ": " + e.getMessage());
      Throwable cause = e.getCause();
      while (cause != null) {
        System.out.println("CAUSE " + cause.getClass().getName() + ": " + cause.getMessage());
        cause = cause.getCause();
      }
      System.exit(1);
    }
  }

  static void run(String[] args) throws Exception {
    String mode = args[0], host = args[1], user = args[4], secret = args[5], trustPem = args[6], subject = args[7];
    int imapPort = Integer.parseInt(args[2]), smtpPort = Integer.parseInt(args[3]);
    boolean oauth = mode.equals("xoauth2");
    SSLContext tls = sslContext(trustPem, oauth ? null : args[8], oauth ? null : args[9]);
    String mechanism = oauth ? "XOAUTH2" : "PLAIN";

    Properties props = new Properties();
    for (String protocol : new String[] {"smtp", "imap"}) {
      String p = "mail." + protocol + ".";
      props.put(p + "host", host);
      props.put(p + "port", String.valueOf(protocol.equals("smtp") ? smtpPort : imapPort));
      props.put(p + "starttls.enable", "true");
      props.put(p + "starttls.required", "true");
      props.put(p + "ssl.socketFactory", tls.getSocketFactory());
      props.put(p + "ssl.checkserveridentity", "true");
      props.put(p + "ssl.protocols", PROTOCOLS);
      props.put(p + "ssl.ciphersuites", SUITES);
      props.put(p + "auth", "true");
      props.put(p + "auth.mechanisms", mechanism);
      props.put(p + "connectiontimeout", "20000");
      props.put(p + "timeout", "20000");
    }
    // Jakarta Mail leaves XOAUTH2 out of its defaults: naming it in auth.mechanisms is what enables it.
    props.put("mail.smtp.auth.xoauth2.disable", "false");
    props.put("mail.imap.auth.xoauth2.disable", "false");
    Session session = Session.getInstance(props);

    MimeMessage message = new MimeMessage(session);
    message.setFrom(new InternetAddress(user));
    message.setRecipient(Message.RecipientType.TO, new InternetAddress(user));
    message.setSubject(subject, "UTF-8");
    message.setText("Message envoyé par Jakarta Mail.\n", "UTF-8");
    Transport transport = session.getTransport("smtp");
    transport.connect(host, smtpPort, user, secret);
    System.out.println("AUTH " + mechanism + " smtp");
    transport.sendMessage(message, message.getAllRecipients());
    transport.close();
    System.out.println("SENT");

    Store store = session.getStore("imap");
    store.connect(host, imapPort, user, secret);
    System.out.println("AUTH " + mechanism + " imap");
    Folder inbox = store.getFolder("INBOX");
    inbox.open(Folder.READ_WRITE);
    Message[] found = inbox.search(new SubjectTerm(subject));
    for (Message m : found) System.out.println("FOUND " + m.getSubject());
    inbox.close(false);
    store.close();
  }

  /** Trusts the PEM roots given; presents the PKCS#12 key and certificate when there is one. */
  static SSLContext sslContext(String trustPem, String pkcs12, String password) throws Exception {
    KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
    trust.load(null, null);
    try (InputStream in = new FileInputStream(trustPem)) {
      int i = 0;
      for (Certificate certificate : CertificateFactory.getInstance("X.509").generateCertificates(in)) trust.setCertificateEntry("root" + i++, certificate);
    }
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    KeyManagerFactory kmf = null;
    if (pkcs12 != null) {
      KeyStore keys = KeyStore.getInstance("PKCS12");
      try (InputStream in = new FileInputStream(pkcs12)) {
        keys.load(in, password.toCharArray());
      }
      kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(keys, password.toCharArray());
    }
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
    return context;
  }
}
