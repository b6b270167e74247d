// Checks many EPUBs in one JVM: EPUBCheck's command line takes one book per run, and
// each run pays seconds of JVM start and schema loading. Run as a source file (needs a JDK):
//   java -XX:TieredStopAtLevel=1 -cp /usr/share/java/epubcheck.jar EpubCheckMany.java a.epub b.epub
// Prints EPUBCheck's messages, then one summary line per book; exits 1 if any book has a
// fatal error, an error or a warning.
import com.adobe.epubcheck.api.EpubCheck;
import com.adobe.epubcheck.util.DefaultReportImpl;
import java.io.File;

public class EpubCheckMany {
    public static void main(String[] args) {
        int bad = 0;
        for (String name : args) {
            DefaultReportImpl report = new DefaultReportImpl(name);
            new EpubCheck(new File(name), report).validate();
            int fatals = report.getFatalErrorCount(), errors = report.getErrorCount(), warnings = report.getWarningCount();
            System.out.printf("%s: %d fatals / %d errors / %d warnings%n", name, fatals, errors, warnings);
            if (fatals + errors + warnings > 0) bad++;
        }
        System.exit(bad == 0 ? 0 : 1);
    }
}
