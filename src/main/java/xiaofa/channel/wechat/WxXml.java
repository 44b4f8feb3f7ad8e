package xiaofa.channel.wechat;

import java.io.StringReader;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * WeChat's XML, both ways. Reading is a StAX pass that refuses any DOCTYPE (so no external or internal entities, no
 * entity expansion) and anything deeper or larger than a push can be; the result is a flat map from element path
 * ({@code Content}, {@code ScanCodeInfo/ScanType}) to text. Writing wraps strings in CDATA, splitting a {@code ]]>}
 * and dropping characters XML 1.0 cannot carry.
 */
final class WxXml {
  private static final int MAX_DEPTH = 6;
  private static final int MAX_ELEMENTS = 200;
  private static final XMLInputFactory FACTORY = factory();

  private WxXml() {}

  /** XML that is not a WeChat message. The message is for logs only. */
  static final class XmlException extends Exception {
    XmlException(String message) {
      super(message);
    }
  }

  private static XMLInputFactory factory() {
    XMLInputFactory f = XMLInputFactory.newFactory();
    f.setProperty(XMLInputFactory.SUPPORT_DTD, false);
    f.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
    f.setProperty(XMLInputFactory.IS_REPLACING_ENTITY_REFERENCES, false);
    f.setProperty(XMLInputFactory.IS_NAMESPACE_AWARE, false);
    f.setProperty(XMLInputFactory.IS_COALESCING, true);
    return f;
  }

  /** The leaf elements under the root {@code <xml>}, by path. */
  static Map<String, String> parse(String xml) throws XmlException {
    Map<String, String> out = new LinkedHashMap<>();
    Deque<String> path = new ArrayDeque<>();
    StringBuilder text = new StringBuilder();
    boolean leaf = false;
    int elements = 0;
    XMLStreamReader r = null;
    try {
      r = FACTORY.createXMLStreamReader(new StringReader(xml));
      while (r.hasNext()) {
        int event = r.next();
        switch (event) {
          case XMLStreamConstants.DTD, XMLStreamConstants.ENTITY_REFERENCE, XMLStreamConstants.ENTITY_DECLARATION ->
              throw new XmlException("DOCTYPE or entity refused");
          case XMLStreamConstants.START_ELEMENT -> {
            if (++elements > MAX_ELEMENTS || path.size() >= MAX_DEPTH) {
              throw new XmlException("too many or too deeply nested elements");
            }
            String name = r.getLocalName();
            if (path.isEmpty() && !name.equals("xml")) {
              throw new XmlException("root element is " + name + ", not xml");
            }
            path.addLast(name);
            text.setLength(0);
            leaf = true;
          }
          case XMLStreamConstants.CHARACTERS, XMLStreamConstants.CDATA, XMLStreamConstants.SPACE -> text.append(r.getText());
          case XMLStreamConstants.END_ELEMENT -> {
            if (leaf && path.size() > 1) {
              out.putIfAbsent(key(path), text.toString());
            }
            path.removeLast();
            leaf = false;
            text.setLength(0);
          }
          default -> {
            // comments and processing instructions carry nothing
          }
        }
      }
    } catch (XMLStreamException | RuntimeException e) {
      throw new XmlException("not well-formed: " + e.getMessage());
    } finally {
      if (r != null) {
        try {
          r.close();
        } catch (XMLStreamException e) {
          // nothing held
        }
      }
    }
    if (elements == 0) {
      throw new XmlException("empty document");
    }
    return out;
  }

  private static String key(Deque<String> path) {
    StringBuilder sb = new StringBuilder();
    boolean first = true;
    for (String p : path) {
      if (first) {
        first = false; // the root <xml>
        continue;
      }
      if (sb.length() > 0) {
        sb.append('/');
      }
      sb.append(p);
    }
    return sb.toString();
  }

  // ---------------------------------------------------------------- writing

  /** {@code <Name><![CDATA[value]]></Name>} */
  static StringBuilder cdata(StringBuilder sb, String name, String value) {
    sb.append('<').append(name).append("><![CDATA[");
    String clean = xmlChars(value == null ? "" : value);
    sb.append(clean.replace("]]>", "]]]]><![CDATA[>"));
    return sb.append("]]></").append(name).append('>');
  }

  /** {@code <Name>number</Name>} */
  static StringBuilder number(StringBuilder sb, String name, long value) {
    return sb.append('<').append(name).append('>').append(value).append("</").append(name).append('>');
  }

  /** The text without the characters XML 1.0 cannot contain (control characters other than tab and line ends). */
  static String xmlChars(String s) {
    StringBuilder sb = null;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean ok = c == '\t' || c == '\n' || c == '\r' || (c >= 0x20 && c != 0xFFFE && c != 0xFFFF);
      if (!ok && sb == null) {
        sb = new StringBuilder(s.length()).append(s, 0, i);
      } else if (ok && sb != null) {
        sb.append(c);
      }
    }
    return sb == null ? s : sb.toString();
  }
}
