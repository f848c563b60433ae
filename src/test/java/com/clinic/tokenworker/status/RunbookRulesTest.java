package com.clinic.tokenworker.status;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * On-call reads docs/runbook.md for every rule {@code status} can fire: a rule added to {@link AttentionRule}
 * without its section (what it means, the SQL to check, what to do) fails here.
 */
class RunbookRulesTest {

    @ParameterizedTest
    @EnumSource(AttentionRule.class)
    void runbookWhenStatusCanFireTheRuleThenASectionSaysWhatItMeansWhatToCheckAndWhatToDo(AttentionRule rule)
            throws IOException {
        String runbook = Files.readString(Path.of("docs/runbook.md"));
        Matcher section = Pattern.compile("(?ms)^### " + rule.name() + "\\n(.*?)(?=^##)").matcher(runbook);

        assertThat(section.find()).as("a '### %s' section in docs/runbook.md", rule).isTrue();
        assertThat(section.group(1)).contains("**Means:**").contains("**Check**").contains("```sql\n-- check:")
                .contains("**Do:**");
    }
}
