from django.conf import settings


def test_settings_are_the_test_configuration():
    assert settings.TESTING is True
    assert settings.Q_CLUSTER["sync"] is True


def test_home_page_answers_in_dutch(client, db):
    response = client.get("/")
    assert response.status_code == 200
    assert '<html lang="nl">' in response.content.decode()
