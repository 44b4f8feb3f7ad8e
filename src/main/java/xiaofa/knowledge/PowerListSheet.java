package xiaofa.knowledge;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.poi.util.XMLHelper;
import org.apache.poi.openxml4j.opc.OPCPackage;
import org.apache.poi.openxml4j.opc.PackageAccess;
import org.apache.poi.openxml4j.util.ZipSecureFile;
import org.apache.poi.ss.usermodel.DataFormatter;
import org.apache.poi.ss.util.CellReference;
import org.apache.poi.xssf.eventusermodel.ReadOnlySharedStringsTable;
import org.apache.poi.xssf.eventusermodel.XSSFReader;
import org.apache.poi.xssf.eventusermodel.XSSFSheetXMLHandler;
import org.apache.poi.xssf.model.StylesTable;
import org.apache.poi.xssf.usermodel.XSSFComment;
import org.xml.sax.InputSource;
import org.xml.sax.XMLReader;
import xiaofa.platform.ApiException;

/**
 * Reads the first worksheet of an uploaded {@code .xlsx} power list into a {@link PowerListParser.Table}, cell text as
 * Excel shows it (numbers without a trailing {@code .0}, dates in their format, formulas by their cached result).
 * Streams the sheet with Apache POI's event API from a file, so a large or hostile workbook costs neither the whole
 * DOM nor the uncompressed archive in memory; POI's zip-bomb guard stays on. Blocking: call it on a worker thread.
 */
public final class PowerListSheet {
  /** A county power list has some hundreds of rows; more is not a power list. */
  public static final int MAX_ROWS = 10_000;
  private static final int MAX_COLUMNS = 100;

  static {
    // one part of the archive (the sheet XML, the shared strings) may not inflate beyond this
    ZipSecureFile.setMaxEntrySize(Math.min(ZipSecureFile.getMaxEntrySize(), 64L << 20));
  }

  private PowerListSheet() {}

  /**
   * The first worksheet as a table: its first non-empty row is the header, the rest are data rows numbered as Excel
   * numbers them (the header usually row 1). Fails with a 400 {@link ApiException} saying in Chinese what to do when
   * the file is not a readable workbook.
   */
  public static PowerListParser.Table read(Path xlsx) {
    Collector rows = new Collector();
    try (java.util.zip.ZipFile zip = new java.util.zip.ZipFile(xlsx.toFile())) {
      // a workbook whose archive directory is broken would make POI read every part into memory; refuse it instead
      zip.size();
    } catch (IOException e) {
      throw unreadable("文件不是有效的 .xlsx 工作簿（压缩结构损坏）");
    }
    try (OPCPackage pkg = OPCPackage.open(xlsx.toFile(), PackageAccess.READ)) {
      XSSFReader reader = new XSSFReader(pkg);
      StylesTable styles = reader.getStylesTable();
      ReadOnlySharedStringsTable strings = new ReadOnlySharedStringsTable(pkg);
      XSSFReader.SheetIterator sheets = (XSSFReader.SheetIterator) reader.getSheetsData();
      if (!sheets.hasNext()) {
        throw unreadable("工作簿中没有工作表");
      }
      try (InputStream sheet = sheets.next()) {
        XMLReader parser = XMLHelper.newXMLReader();
        parser.setContentHandler(new XSSFSheetXMLHandler(styles, null, strings, rows, new DataFormatter(Locale.CHINA), false));
        parser.parse(new InputSource(sheet));
      }
    } catch (ApiException e) {
      throw e;
    } catch (TooLarge e) {
      throw ApiException.badRequest("sheet_too_large", "表格超过 " + MAX_ROWS + " 行或 " + MAX_COLUMNS + " 列，请确认上传的是权责清单，或拆分后分批整理。");
    } catch (org.apache.poi.EncryptedDocumentException e) {
      throw unreadable("文件已加密，请取消密码保护后再上传");
    } catch (IOException | RuntimeException | org.xml.sax.SAXException | javax.xml.parsers.ParserConfigurationException
        | org.apache.poi.openxml4j.exceptions.OpenXML4JException e) {
      throw unreadable("文件不是有效的 .xlsx 工作簿（" + e.getClass().getSimpleName() + "）");
    }
    if (rows.header == null) {
      throw ApiException.badRequest("sheet_empty", "第一个工作表是空的：第一行应为表头（" + String.join("、", PowerListParser.COLUMNS) + "），下面每行一项职权。");
    }
    return new PowerListParser.Table(rows.header, rows.rows, false);
  }

  private static ApiException unreadable(String why) {
    return ApiException.badRequest("file_unreadable", "无法读取 Excel 文件：" + why + "。请用 Excel 或 WPS 另存为 .xlsx（或 CSV UTF-8）后重新上传。");
  }

  /** Stops reading a sheet that is too big. */
  private static final class TooLarge extends RuntimeException {
    TooLarge() {
      super(null, null, false, false);
    }
  }

  /** Collects non-empty rows; cells by their reference, so empty cells in between keep the columns in place. */
  private static final class Collector implements XSSFSheetXMLHandler.SheetContentsHandler {
    List<String> header;
    final List<PowerListParser.TableRow> rows = new ArrayList<>();
    private List<String> cells;
    private int nextColumn;

    @Override
    public void startRow(int rowNum) {
      if (rowNum >= MAX_ROWS + 1) {
        throw new TooLarge();
      }
      cells = new ArrayList<>();
      nextColumn = 0;
    }

    @Override
    public void cell(String reference, String value, XSSFComment comment) {
      int column = reference == null ? nextColumn : new CellReference(reference).getCol();
      if (column >= MAX_COLUMNS) {
        throw new TooLarge();
      }
      while (cells.size() < column) {
        cells.add("");
      }
      cells.add(value == null ? "" : value);
      nextColumn = column + 1;
    }

    @Override
    public void endRow(int rowNum) {
      if (cells.stream().allMatch(String::isBlank)) {
        return;
      }
      if (header == null) {
        header = List.copyOf(cells);
      } else {
        rows.add(new PowerListParser.TableRow(rowNum + 1, List.copyOf(cells), null));
      }
    }
  }
}
