from tests.ui.helpers import make_app, screen_text
async def test_x(services, head):
    demo = [{"staff_no": f"D{i:03}", "name": "周理财", "roles": ["head"], "pin": "135790"} for i in range(12)]
    app = make_app(services, demo_pins=demo)
    async with app.run_test(size=(120,40)) as pilot:
        await pilot.pause()
        for sel in ["#login-row", "#login-box", "#demo-box"]:
            w = app.screen.query_one(sel); print(sel, w.region, w.styles.height, w.styles.max_height)
