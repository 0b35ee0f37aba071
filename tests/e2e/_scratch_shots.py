from tests.e2e.test_console_simulator import *  # noqa
from tests.e2e.test_console_simulator import haven_fixture, browser_fixture  # noqa

async def test_shots(haven, browser):
    for viewport, scheme, name in ((DESKTOP, "light", "desk"), ({"width": 1280, "height": 900}, "dark", "wide-dark"), ({"width": 360, "height": 740}, "dark", "phone-dark")):
        en = await console_for(haven, browser, f"Shot-{name}", "ru", color_scheme=scheme)
        page, said = en.page, en.said
        await page.set_viewport_size(viewport)
        await en.open()
        await page.screenshot(path=f"/tmp/shots/{name}-start.png", full_page=True)
        await page.get_by_role("button", name=en.word("sim_start"), exact=True).click()
        await en.press(said.flow("ru", "start", "menu", "option.situation"))
        await en.press(said.flow("ru", "situation", "where", "option.eu"))
        await en.press(said.ui("ru", "Yes"))
        await page.screenshot(path=f"/tmp/shots/{name}-input.png", full_page=True)
        await page.get_by_label(en.word("sim_answer")).fill("30")
        await page.get_by_role("button", name=en.word("sim_send"), exact=True).click()
        await en.press(said.ui("ru", "Talk to a person"))
        await page.screenshot(path=f"/tmp/shots/{name}-chat.png", full_page=True)
        await page.context.close()
