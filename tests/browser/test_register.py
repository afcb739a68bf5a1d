"""A social worker imports the register on the call-list page; a volunteer asked to phone
someone logs the call from their account page."""

from tests.browser.community import community, logged_in  # noqa: F401 (fixtures)
from tests.browser.conftest import needs_chromium
from tests.browser.test_map_page import expect
from tests.browser.test_moderation import SPOT
from tests.web.conftest import DATA


@needs_chromium
def test_a_register_is_imported_and_a_volunteer_logs_a_call(
    community,  # noqa: F811
    logged_in,  # noqa: F811
    tmp_path,
):
    community.account("as-registre@ville.example", *SPOT, role="social_worker")
    volunteer = community.account("appelle@example.org", *SPOT, accepts_calls=1)
    worker = logged_in("as-registre@ville.example")
    worker.goto("/grenoble/calls")

    bad = tmp_path / "registre.csv"
    bad.write_text(
        "name;phone;address;consent;notes\nSans accord;04 76 00 00 09;1 rue Félix Poulat;non;\n",
        encoding="utf-8",
    )
    worker.set_input_files("#f-register", str(bad))
    worker.click("#import-form button[type=submit]")
    expect(worker.locator("#import-refused li")).to_have_text(
        ["row 2 : no consent (write oui, yes, or the date they agreed)"]
    )
    expect(worker.locator("#import-summary")).to_contain_text("Rien n'a été importé")

    worker.set_input_files("#f-register", str(DATA / "call-register-sample.csv"))
    worker.click("#import-form button[type=submit]")
    expect(worker.locator("#calls-status")).to_have_text("3 personnes ont été ajoutées à la liste.")
    expect(worker.locator("#people")).to_contain_text("Mme Jeanne Martin")
    expect(worker.locator("#import-refused li")).to_have_count(0)

    person = worker.evaluate(
        """async (volunteerId) => {
            const csrf = document.querySelector('meta[name="csrf-token"]').content;
            const list = await (await fetch('/api/v1/grenoble/calls/people')).json();
            const person = list.people.find((p) => p.name === 'Mme Jeanne Martin');
            const answer = await fetch(`/api/v1/grenoble/calls/people/${person.id}/assign`, {
                method: 'POST',
                headers: {'Content-Type': 'application/json', 'X-CSRF-Token': csrf},
                body: JSON.stringify({volunteer_id: volunteerId}),
            });
            if (!answer.ok) throw new Error(await answer.text());
            return person.id;
        }""",
        volunteer["id"],
    )

    caller = logged_in("appelle@example.org")
    caller.goto("/grenoble/me")
    item = caller.locator(f'#my-calls li[data-person-id="{person}"]')
    expect(item).to_contain_text("Mme Jeanne Martin")
    item.get_by_role("button", name="Rappeler plus tard").click()
    expect(caller.locator("#my-calls-status")).to_have_text(
        "C'est noté, merci : les travailleurs sociaux le voient."
    )
    expect(item).to_contain_text("Dernier appel : Rappeler plus tard")
    worker.reload()
    worker.locator("#people").get_by_text("Mme Jeanne Martin").click()
    expect(worker.locator("#person-panel")).to_contain_text("À rappeler plus tard")
